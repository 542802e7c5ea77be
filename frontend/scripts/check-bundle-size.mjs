// Measures the JavaScript a browser loads for the first screen (the ticket list at `/`): the entry
// chunk, what it preloads, the list route's chunk with its static imports, and the larger locale
// file. Sizes are gzip (level 9) in kB of 1000 bytes, as Vite prints them. Fails over the budget.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const BUDGET_KB = 250
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const assets = join(root, 'dist/assets')
const html = readFileSync(join(root, 'dist/index.html'), 'utf8')
const files = readdirSync(assets)

const fromHtml = [...html.matchAll(/\/static\/assets\/([^"]+\.js)/g)].map((match) => match[1])
const routeChunk = files.find((name) => /^TicketListView-.*\.js$/.test(name))
const locales = files.filter((name) => /^(ru|en)-.*\.js$/.test(name))
if (!routeChunk || !fromHtml.length) throw new Error('dist/ does not look like a build of this app: run `npm run build`')

const seen = new Set()
function visit(name) {
  if (seen.has(name)) return
  seen.add(name)
  const code = readFileSync(join(assets, name), 'utf8')
  // Static imports only (`import ... from "./x.js"`, `import "./x.js"`); `import("./x.js")` is lazy.
  for (const match of code.matchAll(/(?:from|import)\s*["']\.\/([^"']+\.js)["']/g)) visit(match[1])
}
for (const name of [...fromHtml, routeChunk]) visit(name)

const gz = (name) => gzipSync(readFileSync(join(assets, name)), { level: 9 }).length / 1000
const largestLocale = locales.sort((a, b) => gz(b) - gz(a))[0]
const chunks = [...seen, ...(largestLocale ? [largestLocale] : [])]
let total = 0
for (const name of chunks) {
  const size = gz(name)
  total += size
  console.log(`${size.toFixed(2).padStart(8)} kB  ${name}`)
}
console.log(`${total.toFixed(2).padStart(8)} kB  first load of / (gzip), budget ${BUDGET_KB} kB`)
if (total > BUDGET_KB) {
  console.error('Over budget: lazy-load more, or drop a dependency.')
  process.exit(1)
}
