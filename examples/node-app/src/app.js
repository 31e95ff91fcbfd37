'use strict';

// greet returns the body of GET /.
function greet(name) {
  return `hello, ${name || 'world'}\n`;
}

// handle serves one request.
function handle(req, res) {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/healthz') {
    res.end('ok\n');
    return;
  }
  res.end(greet(url.searchParams.get('name')));
}

module.exports = { greet, handle };
