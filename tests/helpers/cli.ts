import { main } from '../../src-main/cli/main.js';

/** The CLI entry run in-process (no Node start-up per call), its stdout collected. */
export async function runCli(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await main(args, (s) => {
    out += s;
  });
  return { code, out };
}
