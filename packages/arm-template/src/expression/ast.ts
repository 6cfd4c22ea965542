/** A parsed ARM template expression. */
export type ExpressionNode =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'call'; name: string; args: ExpressionNode[] }
  | { kind: 'property'; target: ExpressionNode; name: string; safe: boolean }
  | { kind: 'index'; target: ExpressionNode; index: ExpressionNode; safe: boolean };
