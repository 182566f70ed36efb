import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { ApiError, DatabaseUnavailableError, HttpRefusalError } from './api-errors';
import { isDatabaseUnavailable } from './database-unavailable';
import { isOpenAiRoute, openAiError } from './openai-error';

const logger = new Logger('Gateway');

/** The one place where every error becomes a response in the dialect's shape. */
@Catch()
export class DialectExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    sendDialectError(host.switchToHttp().getResponse<FastifyReply>(), exception);
  }
}

export function sendDialectError(reply: FastifyReply, exception: unknown): void {
  if (exception instanceof ApiError) {
    respond(reply, exception.httpStatus, exception.body(), exception.headers());
    return;
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const message = status === 404 ? 'Not found' : exception.message;
    respond(reply, status, { status: 'error', message });
    return;
  }
  if (isDatabaseUnavailable(exception)) {
    logger.warn(`database unavailable: ${exception instanceof Error ? exception.message : String(exception)}`);
    sendDialectError(reply, new DatabaseUnavailableError());
    return;
  }
  logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
  respond(reply, 500, { status: 'error', message: 'Internal server error' });
}

/** The dialect's body, or on the OpenAI-shaped chat routes the same error in OpenAI's shape (their clients read `error.message`). */
function respond(reply: FastifyReply, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  const openAi = reply.request?.url !== undefined && isOpenAiRoute(reply.request.url);
  void reply.status(status).headers(headers).send(openAi ? openAiError(status, body) : body);
}

/**
 * Fastify's router answers some requests before Nest sees them (a path parameter longer than
 * maxParamLength, a URL it cannot decode); they get the dialect's shape too, without echoing the path.
 */
export const frameworkErrors: NonNullable<FastifyServerOptions['frameworkErrors']> = (
  error,
  _request: FastifyRequest,
  reply,
) => {
  const refusal =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new HttpRefusalError(414, 'The request path is too long.')
      : new HttpRefusalError(400, 'The request URL is malformed.');
  sendDialectError(reply, refusal);
};

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (a NUL in a header, headers too
 * large, a request not sent in time): the dialect's body, written on the socket, which is then closed.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'The request was not received in time.']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'The request headers are too large.']
        : [400, 'The request is not valid HTTP.'];
  const body = JSON.stringify({ status: 'error', message });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
