'use strict';

const http = require('node:http');
const { handle } = require('./app');

const port = Number(process.env.PORT) || 3000;
http.createServer(handle).listen(port, () => {
  console.log(`listening on :${port} (${process.env.NODE_ENV})`);
});
