/**
 * RFC 9457 problem details: the catalogue of error types the gateway answers with, and the one writer
 * that puts them on the wire.
 */
package io.portcullis.problem;
