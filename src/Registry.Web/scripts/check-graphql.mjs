// Validates every GraphQL document of the UI (src/graphql/*.graphql) against the repository's schema.graphql, the
// printed schema that a test keeps equal to the server's. A schema change that breaks the UI fails the build.
// While schema.graphql is being regenerated (REGISTRY_UPDATE_SCHEMA=1, which builds the server first) the file may be
// behind the code, so mismatches are only warnings then; the next build checks again, as schema.graphql is an input.
import { readFileSync, readdirSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildSchema, parse, validate } from 'graphql'

const here = dirname(fileURLToPath(import.meta.url))
const schemaPath = join(here, '..', '..', '..', 'schema.graphql')
const folder = join(here, '..', 'src', 'graphql')
const updating = process.env.REGISTRY_UPDATE_SCHEMA === '1'
const schema = buildSchema(readFileSync(schemaPath, 'utf8'))
let failures = 0
const files = readdirSync(folder).filter((f) => f.endsWith('.graphql')).sort()
for (const file of files) {
  const text = readFileSync(join(folder, file), 'utf8')
  let errors
  try {
    errors = validate(schema, parse(text, { noLocation: false }))
  } catch (e) {
    errors = [e]
  }
  for (const e of errors) {
    failures++
    const where = e.locations?.[0] ? `:${e.locations[0].line}:${e.locations[0].column}` : ''
    console.error(`src/graphql/${file}${where}: ${updating ? 'warning' : 'error'} GQL001: ${e.message}`)
  }
}
if (failures > 0 && updating) {
  console.error(`${failures} GraphQL mismatch(es) against ${schemaPath}, ignored while REGISTRY_UPDATE_SCHEMA=1 regenerates it`)
} else if (failures > 0) {
  console.error(`${failures} GraphQL error(s) against ${schemaPath}`)
  process.exit(1)
}
console.log(`${files.length} GraphQL documents valid against schema.graphql`)
