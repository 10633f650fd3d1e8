/**
 * Route resolution: the one canonical path of each request (decided from the request URI as sent, ambiguous
 * spellings refused), the table of path prefixes with the gateway's own endpoints among them, and the stage that
 * picks the longest matching prefix for each request or answers 400 or 404.
 */
package io.portcullis.route;
