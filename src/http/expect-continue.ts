import type { IncomingMessage, Server, ServerResponse } from 'node:http'

// Clients sending a large body (`curl -T` past 1 MB) ask first, with `Expect:
// 100-continue`, and wait for the go-ahead. Node gives it at once, before any
// route has looked at the request. Here it is given when the route starts
// reading the body: a refusal (a bad token, a full service, a file announced too
// large) is answered before a byte of the file is sent. A response sent without
// the go-ahead closes the connection (Node does so), as the body never came.
export function continueWhenRead(server: Server): void {
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    const read = request._read.bind(request)
    let asked = false
    request._read = (size: number) => {
      if (!asked && !response.headersSent) response.writeContinue()
      asked = true
      read(size)
    }
    server.emit('request', request, response)
  })
}
