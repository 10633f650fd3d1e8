<#-- The WAR's META-INF/NOTICE, written by license-maven-plugin (add-third-party) at build time. -->
Portcullis
Copyright 2026 The Portcullis developers

This product is licensed under the Apache License, Version 2.0 (META-INF/LICENSE in this WAR).

It redistributes, in WEB-INF/lib, the following ${dependencyMap?size} third-party artifacts, each under the
licence(s) its own POM declares. Their own NOTICE files, where they have one, are inside their jars.

<#list dependencyMap as e>
<#assign project = e.getKey()/>
<#assign licenses = e.getValue()/>
  ${project.groupId}:${project.artifactId}:${project.version}  (${licenses?join(", ")})<#if project.url??>  ${project.url}</#if>
</#list>
