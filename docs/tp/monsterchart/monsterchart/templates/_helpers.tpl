{{/* Le préfixe des noms d'objets : le nom de la release, limité pour laisser la place au suffixe. */}}
{{- define "monsterchart.fullname" -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{/* Le nom du Service de Redis créé par la dépendance : <release>-redis. */}}
{{- define "monsterchart.redisHost" -}}
{{- printf "%s-redis" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Étiquettes communes à tous les objets du chart. */}}
{{- define "monsterchart.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app: monsterstack
{{- end -}}

{{/* Étiquettes de sélection d'une partie ; appel : include "monsterchart.selector" (dict "root" . "partie" "frontend"). */}}
{{- define "monsterchart.selector" -}}
app: monsterstack
app.kubernetes.io/instance: {{ .root.Release.Name }}
partie: {{ .partie }}
{{- end -}}
