import t from 'tap'

import { ConfigError, loadConfig } from '../src/config.js'

t.test('defaults make a configuration', async (t) => {
  const config = loadConfig({})
  t.equal(config.PAGE_SIZE_DEFAULT, 50)
  t.equal(config.MAX_CONCURRENT_LOADS, 4)
})

t.test('settings out of range are refused with their name', async (t) => {
  const refused = (env: Record<string, string>) => {
    try {
      loadConfig(env)
    } catch (error) {
      return error
    }
    return undefined
  }
  t.ok(refused({ MAX_CONCURRENT_LOADS: '9' }) instanceof ConfigError, 'a ConfigError')
  t.throws(() => loadConfig({ MAX_CONCURRENT_LOADS: '0' }), /MAX_CONCURRENT_LOADS/)
  t.throws(() => loadConfig({ PAGE_SIZE_DEFAULT: '100', PAGE_SIZE_MAX: '10' }),
    /PAGE_SIZE_DEFAULT \(100\) is larger than PAGE_SIZE_MAX \(10\)/)
  t.equal(loadConfig({ PAGE_SIZE_DEFAULT: '10', PAGE_SIZE_MAX: '10' }).PAGE_SIZE_MAX, 10)
})

t.test('a refused setting says what it takes', async (t) => {
  t.throws(() => loadConfig({ LOG_LEVEL: 'verbose' }),
    /LOG_LEVEL must be one of: fatal, error, warn, info, debug, trace, silent/)
  t.throws(() => loadConfig({ MAX_UPLOAD_BYTES: '2G' }),
    /MAX_UPLOAD_BYTES must be integer \(a number of bytes\)/)
  t.throws(() => loadConfig({ PUBLIC_URL: 'localhost:3000' }),
    /PUBLIC_URL must be an http\(s\) URL such as https:\/\/data.example.fr, not "localhost:3000"/)
  t.equal(loadConfig({ PUBLIC_URL: 'https://data.ville.fr/opendata/' }).publicUrl,
    'https://data.ville.fr/opendata', 'a URL with a path is kept, without its last slash')
})
