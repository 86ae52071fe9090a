/** GETs a JSON document from the control plane's debug API; exits 2 with a clear message if unreachable. */
export async function fetchDebug(address: string, path: string): Promise<unknown> {
  try {
    const res = await fetch(`http://${address}${path}`);
    const body = await res.text();
    if (!res.ok) {
      process.stderr.write(`tandem: ${address}${path}: HTTP ${res.status}: ${body.trim()}\n`);
      process.exit(1);
    }
    return JSON.parse(body);
  } catch (err) {
    process.stderr.write(
      `tandem: cannot reach the control plane at ${address}: ${(err as Error).cause ?? (err as Error).message}\n`,
    );
    process.exit(2);
  }
}
