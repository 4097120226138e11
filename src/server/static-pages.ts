/** Pages served beside the API. The CSR desktop and the simulator page replace the landing page when built. */
import type { FastifyInstance } from 'fastify';

const LANDING = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>OpenCTI-TS reference CTI server</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><h1>OpenCTI-TS reference CTI server</h1>
<ul>
<li>WebSocket CTI link: <code>/cti</code></li>
<li>Health: <a href="/healthz">/healthz</a> &middot; Metrics: <a href="/metrics">/metrics</a></li>
<li>Simulator and admin API: <code>/api/…</code> (bearer token printed at start)</li>
</ul></body></html>`;

export async function registerStaticPages(app: FastifyInstance): Promise<void> {
  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(LANDING));
}
