/** How an exec session ended. */
export interface ExecTranscript {
  /** Everything the command wrote, in order. */
  stream: string;
  /** True when the session was cut at the timeout rather than closed by the server. */
  timedOut: boolean;
}

/**
 * Runs one ACI exec session: connects to `webSocketUri`, sends the password as the first frame and then
 * `stdin`, collects the text frames, and ends when the server closes the socket (the command exited) or at
 * `timeoutMs`, when it closes the socket itself (which ends the command); `onText` sees each frame as it
 * arrives. Uses Node's global WebSocket client, which trusts what the process trusts (NODE_EXTRA_CA_CERTS
 * included). The password is never logged.
 */
export function runExecSession(
  webSocketUri: string,
  password: string,
  stdin: string,
  timeoutMs: number,
  onText: (text: string) => void = () => {},
): Promise<ExecTranscript> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(webSocketUri);
    const decoder = new TextDecoder();
    let stream = '';
    let opened = false;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      socket.close();
      finish();
    }, timeoutMs);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ stream, timedOut });
    };
    socket.binaryType = 'arraybuffer';
    socket.addEventListener('open', () => {
      opened = true;
      socket.send(password);
      socket.send(stdin);
    });
    socket.addEventListener('message', (event: MessageEvent) => {
      const text =
        typeof event.data === 'string'
          ? event.data
          : decoder.decode(event.data as ArrayBuffer, { stream: true });
      stream += text;
      onText(text);
    });
    socket.addEventListener('close', (event: CloseEvent) => {
      if (event.code === 4001 && !done) {
        done = true;
        clearTimeout(timer);
        reject(new Error('the exec session refused its password'));
        return;
      }
      finish();
    });
    socket.addEventListener('error', () => {
      if (opened || done) return;
      done = true;
      clearTimeout(timer);
      reject(new Error(`could not open the exec websocket at ${new URL(webSocketUri).host}`));
    });
  });
}
