{{/*
Chart name, truncated to the 63 characters a DNS label allows.
*/}}
{{- define "service-desk.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified app name: "<release>-<chart>", or the release name when it already contains
the chart name.
*/}}
{{- define "service-desk.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart name and version for the helm.sh/chart label.
*/}}
{{- define "service-desk.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels common to every resource; each adds its app.kubernetes.io/component.
*/}}
{{- define "service-desk.commonLabels" -}}
helm.sh/chart: {{ include "service-desk.chart" . }}
app.kubernetes.io/name: {{ include "service-desk.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: service-desk
{{- end }}

{{/*
Labels of the web tier's resources.
*/}}
{{- define "service-desk.labels" -}}
{{ include "service-desk.commonLabels" . }}
app.kubernetes.io/component: web
{{- end }}

{{/*
Selector labels of the web pods (the migration Job's pods do not match them).
*/}}
{{- define "service-desk.selectorLabels" -}}
app.kubernetes.io/name: {{ include "service-desk.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: web
{{- end }}

{{/*
Name of the web pods' service account.
*/}}
{{- define "service-desk.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "service-desk.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Image reference: a digest wins over a tag; the tag defaults to the chart's appVersion.
*/}}
{{- define "service-desk.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion | toString) }}
{{- end }}
{{- end }}

{{/*
ALLOWED_HOSTS as a list: config.allowedHosts, else the ingress hosts. Installing without any
is refused: Django would answer every request with 400.
*/}}
{{- define "service-desk.allowedHosts" -}}
{{- $hosts := list }}
{{- if .Values.config.allowedHosts }}
{{- $hosts = .Values.config.allowedHosts }}
{{- else if .Values.ingress.enabled }}
{{- range .Values.ingress.hosts }}
{{- $hosts = append $hosts .host }}
{{- end }}
{{- end }}
{{- if not $hosts }}
{{- fail "service-desk: set config.allowedHosts or enable the ingress with at least one host (Django answers only the hosts in ALLOWED_HOSTS)" }}
{{- end }}
{{- toJson (uniq $hosts) }}
{{- end }}

{{/*
CSRF_TRUSTED_ORIGINS as a list: config.csrfTrustedOrigins, else one origin per ingress host.
*/}}
{{- define "service-desk.csrfTrustedOrigins" -}}
{{- $origins := list }}
{{- if .Values.config.csrfTrustedOrigins }}
{{- $origins = .Values.config.csrfTrustedOrigins }}
{{- else if .Values.ingress.enabled }}
{{- $tlsHosts := list }}
{{- range .Values.ingress.tls }}
{{- $tlsHosts = concat $tlsHosts (.hosts | default list) }}
{{- end }}
{{- range .Values.ingress.hosts }}
{{- $scheme := ternary "https" "http" (has .host $tlsHosts) }}
{{- $origins = append $origins (printf "%s://%s" $scheme .host) }}
{{- end }}
{{- end }}
{{- toJson (uniq $origins) }}
{{- end }}

{{/*
Host header for probes and `helm test`: the first allowed host without a leading "." or "*".
Kubelet probes would otherwise send the pod IP, which Django rejects.
*/}}
{{- define "service-desk.probeHost" -}}
{{- $hosts := include "service-desk.allowedHosts" . | fromJsonArray }}
{{- $host := trimPrefix "." (trimPrefix "*" (toString (first $hosts | default ""))) }}
{{- default "localhost" $host }}
{{- end }}

{{/*
Non-secret settings as a YAML map of environment variables: the ConfigMap's data, and the
migration Job's env (the ConfigMap does not exist yet when a pre-install hook runs).
*/}}
{{- define "service-desk.configEnv" -}}
ALLOWED_HOSTS: {{ include "service-desk.allowedHosts" . | fromJsonArray | join "," | quote }}
CSRF_TRUSTED_ORIGINS: {{ include "service-desk.csrfTrustedOrigins" . | fromJsonArray | join "," | quote }}
DEBUG: {{ .Values.config.debug | toString | quote }}
USE_X_FORWARDED_PROTO: {{ .Values.config.useXForwardedProto | toString | quote }}
NUM_PROXIES: {{ .Values.config.numProxies | int64 | toString | quote }}
SECURE_SSL_REDIRECT: {{ .Values.config.secureSslRedirect | toString | quote }}
SESSION_COOKIE_SECURE: {{ .Values.config.secureCookies | toString | quote }}
CSRF_COOKIE_SECURE: {{ .Values.config.secureCookies | toString | quote }}
SECURE_HSTS_SECONDS: {{ .Values.config.hstsSeconds | int64 | toString | quote }}
SECURE_HSTS_INCLUDE_SUBDOMAINS: {{ .Values.config.hstsIncludeSubdomains | toString | quote }}
SECURE_HSTS_PRELOAD: {{ .Values.config.hstsPreload | toString | quote }}
LOG_LEVEL: {{ .Values.config.logLevel | quote }}
TIME_ZONE: {{ .Values.config.timeZone | quote }}
DB_CONN_MAX_AGE: {{ .Values.config.dbConnMaxAge | int64 | toString | quote }}
DB_CONNECT_TIMEOUT: {{ .Values.config.dbConnectTimeout | int64 | toString | quote }}
THROTTLE_ANON: {{ .Values.config.throttleAnon | quote }}
THROTTLE_LOGIN_ADDRESS: {{ .Values.config.throttleLoginAddress | quote }}
THROTTLE_LOGIN_USERNAME: {{ .Values.config.throttleLoginUsername | quote }}
GUNICORN_WORKERS: {{ .Values.gunicorn.workers | int64 | toString | quote }}
GUNICORN_THREADS: {{ .Values.gunicorn.threads | int64 | toString | quote }}
GUNICORN_TIMEOUT: {{ .Values.gunicorn.timeout | int64 | toString | quote }}
{{- range $key, $value := .Values.config.extra }}
{{ $key }}: {{ $value | toString | quote }}
{{- end }}
{{- end }}

{{/*
Name of the Secret holding SECRET_KEY, DATABASE_URL and REDIS_URL for the web pods.
*/}}
{{- define "service-desk.secretName" -}}
{{- default (include "service-desk.fullname" .) .Values.secrets.existingSecret }}
{{- end }}

{{/*
SECRET_KEY for a chart-made Secret: the value given, else the one already installed (so an
upgrade keeps sessions valid), else a new random one.
*/}}
{{- define "service-desk.secretKey" -}}
{{- if .Values.secrets.secretKey }}
{{- .Values.secrets.secretKey }}
{{- else }}
{{- $current := lookup "v1" "Secret" .Release.Namespace (include "service-desk.fullname" .) }}
{{- if and $current $current.data (hasKey $current.data "SECRET_KEY") }}
{{- index $current.data "SECRET_KEY" | b64dec }}
{{- else }}
{{- randAlphaNum 64 }}
{{- end }}
{{- end }}
{{- end }}

{{/*
DATABASE_URL for a chart-made Secret; required then.
*/}}
{{- define "service-desk.databaseUrl" -}}
{{- required "service-desk: set secrets.databaseUrl (postgres://user:password@host:5432/db) or secrets.existingSecret" .Values.secrets.databaseUrl }}
{{- end }}

{{/*
Secret-backed environment variables. `secretName` is the Secret to read when the chart makes
it (the web pods' Secret, or the migration hook's own); an existingSecret always wins.
*/}}
{{- define "service-desk.secretEnv" -}}
{{- $root := .root }}
{{- $s := $root.Values.secrets }}
{{- $name := .secretName }}
{{- $keys := dict "secretKey" "SECRET_KEY" "databaseUrl" "DATABASE_URL" "redisUrl" (ternary "REDIS_URL" "" (not (empty $s.redisUrl))) }}
{{- if $s.existingSecret }}
{{- $name = $s.existingSecret }}
{{- $keys = $s.existingSecretKeys }}
{{- end }}
- name: SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $name }}
      key: {{ $keys.secretKey }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ $name }}
      key: {{ $keys.databaseUrl }}
{{- if $keys.redisUrl }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ $name }}
      key: {{ $keys.redisUrl }}
{{- end }}
{{- end }}

{{/*
The probe's HTTP request.
*/}}
{{- define "service-desk.probeHttpGet" -}}
httpGet:
  path: {{ .path }}
  port: http
  httpHeaders:
    - name: Host
      value: {{ .host | quote }}
{{- end }}
