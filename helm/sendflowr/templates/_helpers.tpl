{{/* Name of one job's FlinkDeployment (and of its pods' "app" label), e.g. RELEASE-timing. */}}
{{- define "sendflowr.deploymentName" -}}
{{- printf "%s-%s" .root.Release.Name .job.name | trunc 45 | trimSuffix "-" -}}
{{- end -}}

{{- define "sendflowr.labels" -}}
app.kubernetes.io/name: sendflowr
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: sendflowr
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selects every pod of this release's Flink clusters. */}}
{{- define "sendflowr.podSelector" -}}
app.kubernetes.io/part-of: sendflowr
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "sendflowr.secretName" -}}
{{- default (printf "%s-secrets" .Release.Name) .Values.secrets.existingSecret -}}
{{- end -}}

{{/* Transactional ids must be unique per deployment on a Kafka cluster: never shared by default. */}}
{{- define "sendflowr.transactionalIdPrefix" -}}
{{- default (printf "%s-%s" .Release.Namespace .Release.Name) .Values.kafka.transactionalIdPrefix -}}
{{- end -}}
