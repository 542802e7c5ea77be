// Fails when src/api/schema.d.ts is not what openapi.yaml generates, so the SPA cannot drift
// from the API: regenerate with `npm run gen:types` (and the schema with manage.py spectacular).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const committed = join(root, 'src/api/schema.d.ts')
const dir = mkdtempSync(join(tmpdir(), 'schema-drift-'))
const fresh = join(dir, 'schema.d.ts')

try {
  execFileSync(join(root, 'node_modules/.bin/openapi-typescript'), ['openapi.yaml', '-o', fresh], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const expected = readFileSync(fresh, 'utf8')
  const actual = readFileSync(committed, 'utf8')
  if (expected !== actual) {
    const a = actual.split('\n')
    const e = expected.split('\n')
    const line = e.findIndex((text, i) => text !== a[i])
    console.error(`src/api/schema.d.ts is out of date with openapi.yaml (first difference at line ${line + 1}):`)
    console.error(`  committed: ${a[line] ?? '<end of file>'}`)
    console.error(`  generated: ${e[line] ?? '<end of file>'}`)
    console.error('Run `npm run gen:types` and commit the result.')
    process.exit(1)
  }
  console.log('src/api/schema.d.ts matches openapi.yaml')
} finally {
  rmSync(dir, { recursive: true, force: true })
}
