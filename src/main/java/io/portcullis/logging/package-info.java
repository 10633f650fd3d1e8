/**
 * The access-log stage and the log set-up: request ids, the one access-log line per request (JSON or text), and
 * header redaction so that credentials never reach a log.
 */
package io.portcullis.logging;
