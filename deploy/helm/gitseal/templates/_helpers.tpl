{{/* The controller's fixed name: ClusterRoles, bindings and the Lease use it, so one release per cluster. */}}
{{- define "gitseal.name" -}}
gitseal-controller
{{- end }}

{{/* Pod selector labels: the same as deploy/base. */}}
{{- define "gitseal.selectorLabels" -}}
app.kubernetes.io/name: {{ include "gitseal.name" . }}
{{- end }}

{{/* Labels shared by every object the release owns (deploy/base's plus Helm's own). */}}
{{- define "gitseal.commonLabels" -}}
app.kubernetes.io/part-of: gitseal
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{- define "gitseal.labels" -}}
{{ include "gitseal.selectorLabels" . }}
{{ include "gitseal.commonLabels" . }}
{{- end }}

{{/* The ServiceAccount as an RBAC subject. */}}
{{- define "gitseal.subjects" -}}
subjects:
  - kind: ServiceAccount
    name: {{ include "gitseal.name" . }}
    namespace: {{ .Release.Namespace }}
{{- end }}

{{/* --namespaces, checked early: a bad name would only show up as a crash-looping pod. */}}
{{- define "gitseal.watchNamespaces" -}}
{{- range .Values.watchNamespaces }}
{{- if not (regexMatch "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$" .) }}
{{- fail (printf "watchNamespaces: %q is not a namespace name" .) }}
{{- end }}
{{- end }}
{{- join "," .Values.watchNamespaces }}
{{- end }}
