#!/usr/bin/env node
// The `ouverture` command. It runs the compiled CLI when `npm run build` has made
// one (as in the Docker image, which has no dev dependencies), and otherwise the
// TypeScript source through tsx, so that a fresh clone works after `npm install`.
// A build is preferred when present: after changing src/cli, rebuild or delete dist/.
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

// The real location, symlinks resolved: npx and npm link run this file through one.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const built = path.join(root, 'dist', 'src', 'cli', 'main.js')

if (existsSync(built)) {
  await import(pathToFileURL(built).href)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import(pathToFileURL(path.join(root, 'src', 'cli', 'main.ts')).href)
}
