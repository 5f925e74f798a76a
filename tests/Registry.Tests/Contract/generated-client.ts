// A client of the registry's REST API generated from openapi.json (GeneratedClientTests): publish, list, delete.
import createClient from "openapi-fetch";
import type { paths } from "./api.d.ts";

declare const process: { argv: string[] }; // Node's, without @types/node

const [baseUrl, token] = process.argv.slice(2);
// {rest} spans path segments (name/version/file): openapi-fetch escapes its slashes like any path value, so put them back.
const fetchWithRestPath = (request: Request) =>
  fetch(new Request(request.url.replace(/\/generic\/([^?]*)/, (m) => decodeURIComponent(m)), request));
const api = createClient<paths>({ baseUrl, headers: { "PRIVATE-TOKEN": token }, fetch: fetchWithRestPath });
const id = "gen/app";

const published = await api.PUT("/api/v4/projects/{id}/packages/generic/{rest}", {
  params: { path: { id, rest: "gen-tool/1.2.3/tool.bin" } },
  body: new Uint8Array([1, 2, 3]) as unknown as never,
  bodySerializer: (body: unknown) => body as BodyInit,
});
console.log(`published ${published.response.status}`);

const listed = await api.GET("/api/v4/projects/{id}/packages", { params: { path: { id } } });
if (!listed.data) throw new Error(`list failed: ${listed.response.status}`);
for (const p of listed.data) console.log(`listed ${p.name} ${p.version}`);

const packageId = String(listed.data[0].id);
const deleted = await api.DELETE("/api/v4/projects/{id}/packages/{package_id}", { params: { path: { id, package_id: packageId } } });
console.log(`deleted ${deleted.response.status}`);

const after = await api.GET("/api/v4/projects/{id}/packages", { params: { path: { id } } });
console.log(`listed ${after.data?.length}`);
