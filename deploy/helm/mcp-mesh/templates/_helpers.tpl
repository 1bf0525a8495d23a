{{/* Prefix of every object's name. */}}
{{- define "mesh.fullname" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{- define "mesh.registryName" -}}{{ include "mesh.fullname" . }}-registry{{- end -}}

{{/* Labels every object carries; pass (dict "root" $ "name" "x"). */}}
{{- define "mesh.labels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/part-of: mcp-mesh
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ .root.Chart.Name }}-{{ .root.Chart.Version }}
{{- end -}}

{{- define "mesh.selector" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "mesh.tokenSecret" -}}
{{- default (printf "%s-token" (include "mesh.fullname" .)) .Values.security.token.existingSecret -}}
{{- end -}}

{{- define "mesh.hasToken" -}}
{{- if or .Values.security.token.value .Values.security.token.existingSecret }}true{{ end -}}
{{- end -}}

{{/* Env shared by the registry and the agents: token, TLS, Redis. */}}
{{- define "mesh.securityEnv" -}}
{{- if include "mesh.hasToken" . }}
- name: MCP_MESH_REGISTRY_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ include "mesh.tokenSecret" . }}
      key: {{ .Values.security.token.secretKey }}
{{- end }}
{{- if .Values.security.tls.secretName }}
- { name: MCP_MESH_TLS_MODE, value: {{ .Values.security.tls.mode | quote }} }
- { name: MCP_MESH_TLS_CERT, value: /etc/mcp-mesh/tls/tls.crt }
- { name: MCP_MESH_TLS_KEY, value: /etc/mcp-mesh/tls/tls.key }
- { name: MCP_MESH_TLS_CA, value: /etc/mcp-mesh/tls/ca.crt }
{{- end }}
{{- if .Values.redisUrl }}
- { name: REDIS_URL, value: {{ .Values.redisUrl | quote }} }
{{- end }}
{{- end -}}

{{- define "mesh.tlsVolumeMount" -}}
{{- if .Values.security.tls.secretName }}
- { name: tls, mountPath: /etc/mcp-mesh/tls, readOnly: true }
{{- end }}
{{- end -}}

{{- define "mesh.tlsVolume" -}}
{{- if .Values.security.tls.secretName }}
- name: tls
  secret: { secretName: {{ .Values.security.tls.secretName }} }
{{- end }}
{{- end -}}

{{/* The registry URL agents use, https when TLS is on. */}}
{{- define "mesh.registryUrl" -}}
{{- if .Values.security.tls.secretName }}https{{ else }}http{{ end }}://{{ include "mesh.registryName" . }}:{{ .Values.registry.service.port }}
{{- end -}}

{{- define "mesh.probes" -}}
livenessProbe:
  httpGet: { path: /livez, port: http{{ if .tls }}, scheme: HTTPS{{ end }} }
  periodSeconds: 10
  failureThreshold: 3
readinessProbe:
  httpGet: { path: /ready, port: http{{ if .tls }}, scheme: HTTPS{{ end }} }
  periodSeconds: 5
  failureThreshold: 2
{{- end -}}
