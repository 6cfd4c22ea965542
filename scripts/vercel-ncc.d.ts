// The parts of @vercel/ncc's programmatic API that scripts/build-dist.ts uses (the package ships no types).
declare module '@vercel/ncc' {
  interface NccOptions {
    transpileOnly?: boolean;
    target?: string;
    quiet?: boolean;
    sourceMap?: boolean;
    minify?: boolean;
  }
  interface NccResult {
    code: string;
    map?: string;
    assets?: Record<string, { source: string | Buffer; permissions?: number }>;
  }
  export default function ncc(entry: string, options?: NccOptions): Promise<NccResult>;
}
