/** Reading the server's Prometheus metrics the way an operator's scraper does: GET /metrics. */

/** The sum of a metric over its label sets, or over those whose labels contain `labels` (e.g. `reason="too_deep"`). */
export async function metric(server: { url: string }, name: string, labels?: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
    .filter((l) => labels === undefined || l.includes(labels))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}
