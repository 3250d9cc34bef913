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
