#!/bin/sh
# Sourced by catalina.sh. Copy to $CATALINA_BASE/bin/setenv.sh.
# The gateway's configuration file; the context parameter in context.xml names the same default.
PORTCULLIS_CONFIG="${PORTCULLIS_CONFIG:-/etc/portcullis/portcullis.yaml}"
export PORTCULLIS_CONFIG

CATALINA_OPTS="$CATALINA_OPTS \
  -Dportcullis.config=$PORTCULLIS_CONFIG \
  -Dportcullis.http.port=${PORTCULLIS_HTTP_PORT:-8080} \
  -Dportcullis.max.threads=${PORTCULLIS_MAX_THREADS:-200} \
  -Xms${PORTCULLIS_HEAP:-512m} -Xmx${PORTCULLIS_HEAP:-512m} \
  -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError \
  -Djava.security.egd=file:/dev/urandom"
export CATALINA_OPTS
