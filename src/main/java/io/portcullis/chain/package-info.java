/**
 * The chain's shared parts: the {@link io.portcullis.chain.Stage} interface every stage implements, the stage
 * order ({@link io.portcullis.chain.FilterStage}), and the typed request attributes through which stages hand
 * state to each other. Depends on no other gateway package but the configuration.
 */
package io.portcullis.chain;
