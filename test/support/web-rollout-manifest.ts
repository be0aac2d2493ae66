// The `web` Rollout as a GitOps repository keeps it: a canary of 2 replicas (50%, then `steps`), rolled back in git.

export interface WebRollout {
  namespace: string;
  image: string;
  repoURL: string;
  /** Spec lines (indented two spaces) before `selector`, such as `progressDeadlineSeconds: 3`. */
  spec?: string;
  /** Step lines (indented eight spaces) after `setWeight: 50`. */
  steps?: string;
}

export function webRolloutManifest(rollout: WebRollout): string {
  return `# The web app's Rollout, synced by the GitOps tool.
apiVersion: vane.dev/v1alpha1
kind: Rollout
metadata:
  name: web
  namespace: ${rollout.namespace}
spec:
  replicas: 2
${rollout.spec ?? ''}  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: ${rollout.image}
  strategy:
    canary:
      steps:
        - setWeight: 50
${rollout.steps ?? ''}  rollback:
    git:
      repoURL: ${rollout.repoURL}
      branch: main
      path: apps/web
`;
}
