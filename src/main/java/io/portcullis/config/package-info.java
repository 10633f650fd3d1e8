/**
 * The gateway's configuration: one YAML file read once at start-up into immutable records.
 * Every problem in the file is collected and reported together, each naming its key path.
 */
package io.portcullis.config;
