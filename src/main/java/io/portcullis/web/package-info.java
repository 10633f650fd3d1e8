/**
 * Start-up and the gateway's own endpoints: the context listener that loads the configuration and
 * completes the filter and servlet declarations of web.xml, the dispatching servlet, health and the demo.
 */
package io.portcullis.web;
