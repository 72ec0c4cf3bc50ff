// A local SMTP sink for Otklik's tests: listens on 127.0.0.1:$SMTP_PORT and writes each message to $MAIL_DIR/<n>.eml
// (written to a temporary name first and renamed, so a reader never sees half a message).
const { SMTPServer } = require('smtp-server');
const fs = require('fs');
const path = require('path');

const dir = process.env.MAIL_DIR;
const port = Number(process.env.SMTP_PORT);
if (!dir || !port) { console.error('MAIL_DIR and SMTP_PORT are required'); process.exit(2); }
fs.mkdirSync(dir, { recursive: true });
let n = 0;

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', c => chunks.push(c));
    stream.on('end', () => {
      const name = `${Date.now()}-${process.pid}-${++n}.eml`;
      const tmp = path.join(dir, name + '.tmp');
      fs.writeFileSync(tmp, Buffer.concat(chunks));
      fs.renameSync(tmp, path.join(dir, name));
      callback();
    });
  },
});
server.on('error', e => console.error('smtp-sink:', e.message));
server.listen(port, '127.0.0.1', () => console.log(`smtp-sink on 127.0.0.1:${port}, writing to ${dir}`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
