//! KDSH: the Kubernetes Dashboard — login, its service account, and how it is exposed.
