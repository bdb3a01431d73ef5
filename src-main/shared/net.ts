/** Network facts shared by the connectors and the configuration. */

const LOOPBACK_HOST = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\]|::1)$/i;

/** True for a loopback host name (127.0.0.0/8, localhost, ::1): the only hosts plain http:// may carry credentials to. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOST.test(host);
}
