/**
 * Route resolution: the table of path prefixes, the gateway's own endpoints among them, and the stage
 * that picks the longest matching prefix for each request or answers 404.
 */
package io.portcullis.route;
