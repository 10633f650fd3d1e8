#!/bin/sh
# Sourced by catalina.sh. Copy to $CATALINA_BASE/bin/setenv.sh.
# The gateway's configuration file is named by context.xml; PORTCULLIS_CONFIG in the environment, which the
# gateway reads itself, takes precedence over it.
# The integration tests source this very file to start their Tomcat node (see the Cargo section of pom.xml).
CATALINA_OPTS="$CATALINA_OPTS \
  -Dportcullis.http.port=${PORTCULLIS_HTTP_PORT:-8080} \
  -Dportcullis.http.address=${PORTCULLIS_HTTP_ADDRESS:-0.0.0.0} \
  -Dportcullis.max.threads=${PORTCULLIS_MAX_THREADS:-200} \
  -Dportcullis.write.buffer=${PORTCULLIS_WRITE_BUFFER:-32768} \
  -Xms${PORTCULLIS_HEAP:-512m} -Xmx${PORTCULLIS_HEAP:-512m} \
  -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError \
  -Djava.security.egd=file:/dev/urandom"
export CATALINA_OPTS
