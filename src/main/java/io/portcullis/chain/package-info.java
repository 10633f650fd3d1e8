/**
 * The filter chain's shared parts: the base filter every stage extends, the stage order, and the typed
 * request attributes through which stages hand state to each other.
 */
package io.portcullis.chain;
