// Drives the real tus-js-client (npm) against the registry through a TCP proxy this script controls: the proxy cuts
// every connection once CUT_AT bytes went from the client to the server, and from then on forwards to RESUME_PORT (a
// second instance) when given. Prints one JSON line: the SHA-256 of what was sent, the Upload-Offset of every PATCH
// and the upload URL. Settings come from the environment (see TusClientTests.cs).
import net from 'node:net';
import crypto from 'node:crypto';
import * as tus from 'tus-js-client';

const env = process.env;
const size = Number(env.SIZE);
const cutAt = Number(env.CUT_AT ?? 0);
let targetPort = Number(env.TARGET_PORT);
const resumePort = env.RESUME_PORT ? Number(env.RESUME_PORT) : null;

const data = crypto.randomBytes(size);
const sha256 = crypto.createHash('sha256').update(data).digest('hex');

let sent = 0;
let cut = false;
const open = new Set();
const proxy = net.createServer((client) => {
  const upstream = net.connect(targetPort, '127.0.0.1');
  open.add(client);
  open.add(upstream);
  const close = () => { client.destroy(); upstream.destroy(); open.delete(client); open.delete(upstream); };
  client.on('data', (chunk) => {
    sent += chunk.length;
    if (!cut && cutAt > 0 && sent >= cutAt) {
      cut = true;
      if (resumePort) targetPort = resumePort;
      for (const s of [...open]) s.destroy();
      open.clear();
      return;
    }
    upstream.write(chunk);
  });
  upstream.on('data', (chunk) => client.write(chunk));
  client.on('error', close);
  upstream.on('error', close);
  client.on('close', close);
  upstream.on('close', close);
});
await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${proxy.address().port}`;

const patchOffsets = [];
const acceptedOffsets = [];
const metadata = env.DECLARE_SHA256 ? { sha256: env.DECLARE_SHA256 === 'wrong' ? 'f'.repeat(64) : sha256 } : {};
const result = await new Promise((resolve) => {
  const upload = new tus.Upload(data, {
    endpoint: base + env.UPLOAD_PATH,
    headers: { 'PRIVATE-TOKEN': env.TOKEN },
    metadata,
    ...(env.CHUNK_SIZE ? { chunkSize: Number(env.CHUNK_SIZE) } : {}),
    retryDelays: [100, 300, 1000, 2000, 3000],
    onBeforeRequest: (req) => {
      if (env.TUS_DEBUG) console.error('>', req.getMethod(), req.getURL(), req.getHeader('Upload-Offset'));
      if (req.getMethod() === 'PATCH') patchOffsets.push(Number(req.getHeader('Upload-Offset')));
    },
    onAfterResponse: (req, res) => {
      if (req.getMethod() === 'PATCH' && res.getStatus() === 204) acceptedOffsets.push(Number(req.getHeader('Upload-Offset')));
      if (env.TUS_DEBUG) console.error('<', req.getMethod(), res.getStatus(), res.getHeader('Upload-Offset')); },
    onError: (error) => resolve({ error: String(error) }),
    onSuccess: () => resolve({ url: upload.url }),
  });
  upload.start();
});
proxy.close();
for (const s of open) s.destroy();
console.log(JSON.stringify({ sha256, patchOffsets, acceptedOffsets, cut, ...result }));
process.exit(0);
