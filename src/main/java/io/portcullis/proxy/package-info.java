/**
 * The reverse proxy: Jetty's ee10 {@code ProxyServlet} with the gateway's hooks for target selection,
 * header hygiene, per-route timeouts and problem+json errors. Jetty types stay inside this package.
 */
package io.portcullis.proxy;
