import { createServer } from 'node:net';
import { CliError } from '../cli-error';

/** Fails early, with a line that says what to do, when the port is taken. */
export async function assertPortFree(port: number, host: string): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new CliError(`port ${port} on ${host} is already in use; stop what runs there or set PORT to a free port`));
      else if (error.code === 'EACCES') reject(new CliError(`port ${port} on ${host} needs privileges this user lacks; set PORT to a port above 1023`));
      else reject(error);
    });
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}
