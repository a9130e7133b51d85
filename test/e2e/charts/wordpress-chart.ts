// A WordPress-shaped Helm chart written for the tests, the way the seeds' Argo CD walk-through deploys WordPress: an
// umbrella chart in Git whose values point the vendored `wordpress` chart at an existing Secret (`existingSecret`)
// that a SealedSecret of the umbrella chart produces. The subchart renders its own plain Secret only when no
// existingSecret is set (the case gitseal must refuse). The containers run the node tier's e2e app (it answers its
// version and a SHA-256 of APP_SECRET on :8080), so the same chart serves on the real node.

/** Names the chart gives its objects, for a release. */
export function wordpressNames(release: string) {
  return {
    web: `${release}-wordpress`,
    db: `${release}-db`,
    /** The Secret the subchart renders when no existingSecret is set. */
    chartSecret: `${release}-db-password`,
  } as const;
}

export interface WordpressChartOptions {
  /** The umbrella chart's folder in the repository (the GitSync's spec.source.path). */
  readonly path: string;
  /** The containers' image; default a name that is never pulled on the API-only control plane. */
  readonly image?: string;
  /** APP_VERSION of the web containers (a changed value rolls the web Deployment out). */
  readonly version: string;
  /** Web replicas. */
  readonly replicas?: number;
  /** The SealedSecret manifest (YAML or JSON) put at templates/db-sealedsecret.yaml; none when undefined. */
  readonly sealedSecret?: string;
  /** wordpress.db.existingSecret in the umbrella's values.yaml; none when undefined (the chart renders a Secret). */
  readonly existingSecret?: string;
  /** A pod template annotation bumped with the sealed value, so that the pods restart with a new password. */
  readonly secretRev?: string;
  /** The database's storage: a volumeClaimTemplate (default) or an emptyDir. */
  readonly persistence?: boolean;
}

const SUBCHART_VALUES = `image: localhost/e2e-app:never-pulled
replicas: 1
version: "1"
podAnnotations: {}
db:
  # The name of an existing Secret holding the database password; empty: the chart renders one from db.password.
  existingSecret: ""
  existingSecretPasswordKey: password
  password: ""
  persistence:
    enabled: true
    size: 1Gi
`;

const HELPERS = `{{- define "wordpress.secretName" -}}
{{- if .Values.db.existingSecret -}}{{ .Values.db.existingSecret }}{{- else -}}{{ .Release.Name }}-db-password{{- end -}}
{{- end -}}
{{- define "wordpress.passwordKey" -}}
{{- if .Values.db.existingSecret -}}{{ .Values.db.existingSecretPasswordKey }}{{- else -}}password{{- end -}}
{{- end -}}
`;

const WEB_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-wordpress
  labels:
    app.kubernetes.io/name: wordpress
    app.kubernetes.io/instance: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicas }}
  progressDeadlineSeconds: 30
  selector:
    matchLabels:
      app.kubernetes.io/name: wordpress
      app.kubernetes.io/instance: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: wordpress
        app.kubernetes.io/instance: {{ .Release.Name }}
      {{- with .Values.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      terminationGracePeriodSeconds: 2
      containers:
        - name: wordpress
          image: {{ .Values.image | quote }}
          imagePullPolicy: IfNotPresent
          ports:
            - name: http
              containerPort: 8080
          env:
            - name: APP_VERSION
              value: {{ .Values.version | quote }}
            - name: WORDPRESS_DB_HOST
              value: {{ .Release.Name }}-db
            - name: APP_SECRET
              valueFrom:
                secretKeyRef:
                  name: {{ include "wordpress.secretName" . }}
                  key: {{ include "wordpress.passwordKey" . }}
          readinessProbe:
            httpGet:
              path: /healthz
              port: 8080
            periodSeconds: 1
`;

const WEB_SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}-wordpress
spec:
  selector:
    app.kubernetes.io/name: wordpress
    app.kubernetes.io/instance: {{ .Release.Name }}
  ports:
    - name: http
      port: 80
      targetPort: 8080
`;

const DB_STATEFULSET = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ .Release.Name }}-db
  labels:
    app.kubernetes.io/name: db
    app.kubernetes.io/instance: {{ .Release.Name }}
spec:
  serviceName: {{ .Release.Name }}-db
  replicas: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: db
      app.kubernetes.io/instance: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: db
        app.kubernetes.io/instance: {{ .Release.Name }}
      {{- with .Values.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      terminationGracePeriodSeconds: 2
      containers:
        - name: db
          image: {{ .Values.image | quote }}
          imagePullPolicy: IfNotPresent
          ports:
            - name: db
              containerPort: 8080
          env:
            - name: APP_VERSION
              value: db
            - name: APP_SECRET
              valueFrom:
                secretKeyRef:
                  name: {{ include "wordpress.secretName" . }}
                  key: {{ include "wordpress.passwordKey" . }}
          volumeMounts:
            - name: data
              mountPath: /var/lib/db
          readinessProbe:
            httpGet:
              path: /healthz
              port: 8080
            periodSeconds: 1
  {{- if .Values.db.persistence.enabled }}
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: ["ReadWriteOnce"]
        resources:
          requests:
            storage: {{ .Values.db.persistence.size }}
  {{- else }}
      volumes:
        - name: data
          emptyDir: {}
  {{- end }}
`;

const DB_SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}-db
spec:
  clusterIP: None
  selector:
    app.kubernetes.io/name: db
    app.kubernetes.io/instance: {{ .Release.Name }}
  ports:
    - name: db
      port: 3306
      targetPort: 8080
`;

/** What most public charts do without existingSecret: the password, in plain text, in a rendered Secret. */
const DB_SECRET = `{{- if not .Values.db.existingSecret }}
apiVersion: v1
kind: Secret
metadata:
  name: {{ .Release.Name }}-db-password
type: Opaque
stringData:
  password: {{ required "db.password or db.existingSecret is required" .Values.db.password | quote }}
{{- end }}
`;

/** The vendored `wordpress` chart (under charts/ of the umbrella chart), path → content. */
export function wordpressSubchartFiles(): Record<string, string> {
  return {
    'Chart.yaml': 'apiVersion: v2\nname: wordpress\nversion: 1.2.3\nappVersion: "6.6"\ntype: application\n',
    'values.yaml': SUBCHART_VALUES,
    'templates/_helpers.tpl': HELPERS,
    'templates/web-deployment.yaml': WEB_DEPLOYMENT,
    'templates/web-service.yaml': WEB_SERVICE,
    'templates/db-statefulset.yaml': DB_STATEFULSET,
    'templates/db-service.yaml': DB_SERVICE,
    'templates/db-secret.yaml': DB_SECRET,
  };
}

/** The umbrella chart's values.yaml. */
export function umbrellaValues(o: Omit<WordpressChartOptions, 'path' | 'sealedSecret'>): string {
  const lines = ['wordpress:', `  version: ${JSON.stringify(o.version)}`, `  replicas: ${o.replicas ?? 1}`];
  if (o.image) lines.push(`  image: ${JSON.stringify(o.image)}`);
  if (o.secretRev) lines.push('  podAnnotations:', `    e2e.gitseal.dev/secret-rev: ${JSON.stringify(o.secretRev)}`);
  lines.push('  db:');
  if (o.existingSecret) lines.push(`    existingSecret: ${JSON.stringify(o.existingSecret)}`);
  if (o.persistence === false) lines.push('    persistence:', '      enabled: false');
  if (lines.at(-1) === '  db:') lines.pop();
  return `${lines.join('\n')}\n`;
}

/** The repository's files of the umbrella chart `blog` at `o.path` (path → content, null: none). */
export function wordpressUmbrellaFiles(o: WordpressChartOptions): Record<string, string | null> {
  const files: Record<string, string | null> = {
    [`${o.path}/Chart.yaml`]:
      'apiVersion: v2\nname: blog\nversion: 0.1.0\ndescription: WordPress and its database password, sealed\n',
    [`${o.path}/values.yaml`]: umbrellaValues(o),
    [`${o.path}/templates/db-sealedsecret.yaml`]: o.sealedSecret ?? null,
  };
  for (const [file, content] of Object.entries(wordpressSubchartFiles())) {
    files[`${o.path}/charts/wordpress/${file}`] = content;
  }
  return files;
}
