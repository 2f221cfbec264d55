import { SEOUL_REGISTRY } from "../support/constants.ts";
/**
 * A synthetic Argo CD app-of-apps tree for benchmarks: `namespaces` folders under `apps/`, each with
 * `filesPerNamespace` multi-document manifests (Deployment + Service + CronJob) of ~3 KB, all on one
 * ECR registry. Every manifest also runs a shared sidecar image, `platform/log-shipper`, so an update of
 * that image touches every file — the worst case for a whole-tree mapping.
 */

export function syntheticGitOpsTree(options: {
  namespaces: number;
  filesPerNamespace: number;
}): Map<string, string> {
  const files = new Map<string, string>();
  for (let n = 0; n < options.namespaces; n++) {
    const namespace = `ns-${String(n).padStart(3, "0")}`;
    for (let a = 0; a < options.filesPerNamespace; a++) {
      const app = `app-${String(a).padStart(3, "0")}`;
      files.set(`apps/${namespace}/${app}/${app}.yaml`, manifest(namespace, app, (n * 7 + a) % 90));
    }
    files.set(`apps/${namespace}/kustomization.yaml`, kustomization(namespace, options.filesPerNamespace));
  }
  return files;
}

function manifest(namespace: string, app: string, build: number): string {
  const image = `${SEOUL_REGISTRY}/${namespace}/${app}`;
  const env = Array.from(
    { length: 12 },
    (_, i) =>
      `            - name: SETTING_${i}\n              value: "${namespace}-${app}-value-${i}" # tuned ${i}\n`,
  ).join("");
  return `# ${namespace}/${app}: generated for benchmarks
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app}
  namespace: ${namespace}
  labels:
    app.kubernetes.io/name: ${app}
    app.kubernetes.io/part-of: ${namespace}
spec:
  replicas: 2
  revisionHistoryLimit: 3
  selector:
    matchLabels:
      app: ${app}
  template:
    metadata:
      labels:
        app: ${app}
      annotations:
        sidecar.istio.io/inject: "true"
    spec:
      serviceAccountName: ${app}
      containers:
        - name: ${app}
          image: ${image}:${build}
          imagePullPolicy: IfNotPresent
          ports:
            - containerPort: 8080
              name: http
          env:
${env}          resources:
            requests: { cpu: 100m, memory: 256Mi }
            limits: { memory: 512Mi }
          readinessProbe:
            httpGet: { path: /health, port: http }
            periodSeconds: 10
        - name: log-shipper
          image: "${SEOUL_REGISTRY}/platform/log-shipper:7"
          args: ["--input", "/var/log/${app}", "--output", "loki"]
---
apiVersion: v1
kind: Service
metadata:
  name: ${app}
  namespace: ${namespace}
spec:
  selector:
    app: ${app}
  ports:
    - port: 80
      targetPort: http
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: ${app}-nightly
  namespace: ${namespace}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: nightly
              image: ${image}:${build}
              command: ["/app/bin/nightly", "--namespace", "${namespace}"]
`;
}

function kustomization(namespace: string, count: number): string {
  const resources = Array.from({ length: count }, (_, a) => {
    const app = `app-${String(a).padStart(3, "0")}`;
    return `  - ${app}/${app}.yaml\n`;
  }).join("");
  return `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: ${namespace}\nresources:\n${resources}`;
}
