// Where an E2E test runs: the server named by E2E_BASE_URL (the README's command, with its
// sandbox), or else the contract stub in stub-server.js so the test always runs. Points the
// mini-program's config at it, with fast polls and a low back-off ceiling so a wait never
// outlasts what it waits for.
const { startStubServer } = require('./stub-server')
const config = require('../../src/config')

async function useE2eTarget() {
  let server = null
  let baseUrl
  if (process.env.E2E_BASE_URL) {
    baseUrl = process.env.E2E_BASE_URL.replace(/\/+$/, '')
  } else {
    server = await startStubServer()
    baseUrl = server.baseUrl
  }
  config.baseUrl = baseUrl
  config.pollIntervalMs = 20
  config.pollMaxIntervalMs = 200
  return { baseUrl, close: () => (server ? server.close() : Promise.resolve()) }
}

module.exports = { useE2eTarget }
