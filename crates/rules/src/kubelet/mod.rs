//! KLET: the kubelet API — anonymous requests, authorization, the read-only port, and what
//! the API server needs to talk to kubelets safely.
