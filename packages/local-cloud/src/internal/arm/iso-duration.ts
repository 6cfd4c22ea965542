/** An ISO 8601 duration with fractional seconds, as ARM writes `duration` (`PT1.2345S`). */
export function isoDuration(milliseconds: number): string {
  const seconds = Math.max(0, milliseconds) / 1000;
  const minutes = Math.floor(seconds / 60);
  const rest = (seconds - minutes * 60).toFixed(7).replace(/\.?0+$/, '');
  return minutes > 0 ? `PT${minutes}M${rest}S` : `PT${rest}S`;
}
