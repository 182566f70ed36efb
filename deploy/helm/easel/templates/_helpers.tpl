{{/* Chart name, truncated to the 63 characters a label value allows. */}}
{{- define "easel.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Fully qualified app name. A release whose name already contains the chart name is
not repeated ("easel" rather than "easel-easel").
*/}}
{{- define "easel.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
The fullname a dependency chart (bitnami postgresql, nats, minio) gives its
resources: the same rule as above, applied to the dependency's chart name.
Usage: include "easel.dependencyFullname" (dict "root" $ "chart" "postgresql")
*/}}
{{- define "easel.dependencyFullname" -}}
{{- $sub := index .root.Values .chart | default dict -}}
{{- if $sub.fullnameOverride -}}
{{- $sub.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .chart $sub.nameOverride -}}
{{- if contains $name .root.Release.Name -}}
{{- .root.Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .root.Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "easel.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels on every object. */}}
{{- define "easel.labels" -}}
helm.sh/chart: {{ include "easel.chart" . }}
app.kubernetes.io/name: {{ include "easel.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: easel
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
Selector labels of one component. Usage:
include "easel.selectorLabels" (dict "root" $ "component" "gateway")
Worker pools add easel.dev/pool.
*/}}
{{- define "easel.selectorLabels" -}}
app.kubernetes.io/name: {{ include "easel.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- if .pool }}
easel.dev/pool: {{ .pool }}
{{- end }}
{{- end -}}

{{/* Image reference; .image may override repository, tag and pullPolicy. */}}
{{- define "easel.image" -}}
{{- $img := merge (deepCopy (.image | default dict)) .root.Values.image -}}
{{- printf "%s:%s" $img.repository (toString (default .root.Chart.AppVersion $img.tag)) -}}
{{- end -}}

{{- define "easel.imagePullPolicy" -}}
{{- $img := merge (deepCopy (.image | default dict)) .root.Values.image -}}
{{- $img.pullPolicy -}}
{{- end -}}

{{- define "easel.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "easel.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The Secret this chart writes for credentials given inline in values. */}}
{{- define "easel.credentialsSecretName" -}}
{{- printf "%s-credentials" (include "easel.fullname" .) -}}
{{- end -}}

{{/* NATS client URL. */}}
{{- define "easel.natsUrl" -}}
{{- if .Values.jetstream.url -}}
{{- .Values.jetstream.url -}}
{{- else if .Values.nats.enabled -}}
{{- printf "nats://%s.%s.svc:4222" (include "easel.dependencyFullname" (dict "root" . "chart" "nats")) .Release.Namespace -}}
{{- else -}}
{{- fail "jetstream.url is required when the bundled NATS is disabled (nats.enabled=false)" -}}
{{- end -}}
{{- end -}}

{{/* host:port of the NATS monitoring endpoint KEDA polls for consumer lag. */}}
{{- define "easel.natsMonitoringEndpoint" -}}
{{- if .Values.jetstream.monitoringEndpoint -}}
{{- .Values.jetstream.monitoringEndpoint -}}
{{- else if .Values.nats.enabled -}}
{{- printf "%s-headless.%s.svc.cluster.local:8222" (include "easel.dependencyFullname" (dict "root" . "chart" "nats")) .Release.Namespace -}}
{{- else -}}
{{- fail "jetstream.monitoringEndpoint (host:port of the NATS monitoring port) is required for KEDA when the bundled NATS is disabled" -}}
{{- end -}}
{{- end -}}

{{/* DATABASE_URL, from (in order) an existing Secret, an inline URL, or the bundled PostgreSQL. */}}
{{- define "easel.env.database" -}}
{{- $db := .Values.database -}}
{{- if $db.existingSecret }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ $db.existingSecret }}
      key: {{ $db.existingSecretKey }}
{{- else if $db.url }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "easel.credentialsSecretName" . }}
      key: DATABASE_URL
{{- else if .Values.postgresql.enabled }}
{{- $pg := .Values.postgresql }}
{{- $auth := $pg.auth | default dict }}
{{- $keys := $auth.secretKeys | default dict }}
- name: DATABASE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $auth.existingSecret | default (include "easel.dependencyFullname" (dict "root" . "chart" "postgresql")) }}
      key: {{ $keys.userPasswordKey | default "password" }}
- name: DATABASE_URL
  value: {{ printf "postgresql://%s:$(DATABASE_PASSWORD)@%s.%s.svc:5432/%s" $auth.username (include "easel.dependencyFullname" (dict "root" . "chart" "postgresql")) .Release.Namespace $auth.database | quote }}
{{- else }}
{{- fail "database: set database.existingSecret or database.url, or enable the bundled postgresql (postgresql.enabled=true)" }}
{{- end }}
{{- end -}}

{{/* S3_* variables: the artifact store (and the model store's S3 prefix). */}}
{{- define "easel.env.s3" -}}
{{- $s3 := .Values.s3 -}}
{{- if $s3.existingSecret }}
{{- range $var, $key := $s3.secretKeys }}
- name: {{ $var }}
  valueFrom:
    secretKeyRef:
      name: {{ $s3.existingSecret }}
      key: {{ $key }}
{{- end }}
{{- else }}
{{- $secret := include "easel.credentialsSecretName" . }}
{{- range $var := list "S3_ENDPOINT" "S3_BUCKET" }}
- name: {{ $var }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $var }}
{{- end }}
{{- if .Values.minio.enabled }}
{{- $minioSecret := .Values.minio.existingSecret | default (include "easel.dependencyFullname" (dict "root" . "chart" "minio")) }}
- name: S3_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $minioSecret }}
      key: rootUser
- name: S3_SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $minioSecret }}
      key: rootPassword
{{- else }}
{{- range $var := list "S3_ACCESS_KEY" "S3_SECRET_KEY" }}
- name: {{ $var }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $var }}
{{- end }}
{{- end }}
{{- end }}
- name: S3_REGION
  value: {{ $s3.region | quote }}
- name: S3_FORCE_PATH_STYLE
  value: {{ $s3.forcePathStyle | toString | quote }}
{{- end -}}

{{/* NATS_URL and, when configured, NATS credentials. */}}
{{- define "easel.env.nats" -}}
{{- $js := .Values.jetstream -}}
- name: NATS_URL
  value: {{ include "easel.natsUrl" . | quote }}
{{- if $js.existingSecret }}
{{- range $var, $key := $js.secretKeys }}
- name: {{ $var }}
  valueFrom:
    secretKeyRef:
      name: {{ $js.existingSecret }}
      key: {{ $key }}
      optional: true
{{- end }}
{{- else }}
{{- if $js.user }}
- name: NATS_USER
  valueFrom:
    secretKeyRef:
      name: {{ include "easel.credentialsSecretName" . }}
      key: NATS_USER
- name: NATS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "easel.credentialsSecretName" . }}
      key: NATS_PASSWORD
{{- end }}
{{- if $js.token }}
- name: NATS_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ include "easel.credentialsSecretName" . }}
      key: NATS_TOKEN
{{- end }}
{{- end }}
- name: EASEL_STREAM_PREFIX
  value: {{ $js.streamPrefix | quote }}
{{- end -}}

{{/* Extra environment: a name->value map plus a raw EnvVar list. */}}
{{- define "easel.env.extra" -}}
{{- range $name, $value := .env }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- with .extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
Job routing, rendered for the gateway from the same pools the worker Deployments and KEDA
triggers are made of: EASEL_SERVICE_POOLS (each service's pool: the enabled pool of that
service with no `models` or `families`), EASEL_MODEL_POOLS (models pinned to a pool by its
`models`) and EASEL_FAMILY_POOLS (model families pinned by its `families`). A service with two
unpinned pools, or with pinned pools only, fails the render.
*/}}
{{- define "easel.env.routing" -}}
{{- $servicePools := dict }}
{{- $modelPools := list }}
{{- $familyPools := list }}
{{- $pinnedServices := dict }}
{{- range $poolName, $pool := .Values.pools }}
{{- if $pool.enabled }}
{{- $service := $pool.service | default $poolName }}
{{- if or $pool.models $pool.families }}
{{- $_ := set $pinnedServices $service $poolName }}
{{- range $pool.models }}
{{- $modelPools = append $modelPools (printf "%s=%s" . $poolName) }}
{{- end }}
{{- range $pool.families }}
{{- $familyPools = append $familyPools (printf "%s=%s" . $poolName) }}
{{- end }}
{{- else }}
{{- if hasKey $servicePools $service }}
{{- fail (printf "pools %s and %s both serve %s with no `models`: give one of them the models (or families) it is for" (get $servicePools $service) $poolName $service) }}
{{- end }}
{{- $_ := set $servicePools $service $poolName }}
{{- end }}
{{- end }}
{{- end }}
{{- range $service, $pool := $pinnedServices }}
{{- if not (hasKey $servicePools $service) }}
{{- fail (printf "pool %s serves %s for some models only: add an enabled pool of %s without `models` for the rest" $pool $service $service) }}
{{- end }}
{{- end }}
{{- $assignments := list }}
{{- range $service, $pool := $servicePools }}
{{- $assignments = append $assignments (printf "%s=%s" $service $pool) }}
{{- end }}
- name: EASEL_SERVICE_POOLS
  value: {{ join "," $assignments | quote }}
{{- if $modelPools }}
- name: EASEL_MODEL_POOLS
  value: {{ join "," $modelPools | quote }}
{{- end }}
{{- if $familyPools }}
- name: EASEL_FAMILY_POOLS
  value: {{ join "," $familyPools | quote }}
{{- end }}
{{- end }}
