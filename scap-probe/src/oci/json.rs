//! The JSON documents of an image, as far as reading one needs them: OCI image index and
//! manifest (image-spec v1.1 `image-index.md`, `manifest.md`, `descriptor.md`), the image
//! config (`config.md`) and `docker save`'s `manifest.json`. Unknown fields are ignored, as the
//! spec requires.

use std::collections::BTreeMap;

use serde::Deserialize;

/// The annotation naming an image in an index (`org.opencontainers.image.ref.name`).
pub const REF_NAME: &str = "org.opencontainers.image.ref.name";
/// The annotation containerd and docker (25+) put the full image name in.
pub const CONTAINERD_NAME: &str = "io.containerd.image.name";

/// A content descriptor (`descriptor.md`).
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Descriptor {
    /// Media type of the referenced content.
    #[serde(default)]
    pub media_type: Option<String>,
    /// `algorithm:hex` digest of the referenced content.
    pub digest: String,
    /// Size in bytes of the referenced content.
    #[serde(default)]
    pub size: Option<u64>,
    /// Platform of a manifest in an index.
    #[serde(default)]
    pub platform: Option<Platform>,
    /// Annotations (the image name among them).
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
}

/// A platform (`image-index.md`, `platform`).
#[derive(Debug, Clone, Deserialize, Default, PartialEq, Eq)]
pub struct Platform {
    /// Operating system (`linux`).
    #[serde(default)]
    pub os: String,
    /// CPU architecture in GOARCH spelling (`amd64`, `arm64`).
    #[serde(default)]
    pub architecture: String,
    /// CPU variant (`v8`), if any.
    #[serde(default)]
    pub variant: Option<String>,
}

impl Platform {
    /// `os/architecture[/variant]`.
    pub fn spelled(&self) -> String {
        match &self.variant {
            Some(v) if !v.is_empty() => format!("{}/{}/{}", self.os, self.architecture, v),
            _ => format!("{}/{}", self.os, self.architecture),
        }
    }
}

/// An image index or a manifest: the fields of both, told apart by media type or by which
/// of `manifests` / `layers` is present.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct IndexOrManifest {
    /// Media type, if the document gives it.
    #[serde(default)]
    pub media_type: Option<String>,
    /// Index: the manifests.
    #[serde(default)]
    pub manifests: Option<Vec<Descriptor>>,
    /// Manifest: the config blob.
    #[serde(default)]
    pub config: Option<Descriptor>,
    /// Manifest: the layers, bottom first.
    #[serde(default)]
    pub layers: Option<Vec<Descriptor>>,
}

/// The image config (`config.md`), the parts a scan uses.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct ImageConfig {
    /// Platform OS.
    #[serde(default)]
    pub os: String,
    /// Platform architecture.
    #[serde(default)]
    pub architecture: String,
    /// Execution parameters.
    #[serde(default)]
    pub config: Option<ExecConfig>,
    /// The layers' uncompressed digests.
    #[serde(default)]
    pub rootfs: Option<RootFsConfig>,
}

/// `config` of the image config.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct ExecConfig {
    /// `NAME=value` entries.
    #[serde(rename = "Env", default)]
    pub env: Option<Vec<String>>,
}

/// `rootfs` of the image config.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct RootFsConfig {
    /// `sha256:...` of each layer's uncompressed tar, bottom first.
    #[serde(default)]
    pub diff_ids: Vec<String>,
}

/// One image of a `docker save` `manifest.json`.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct DockerManifest {
    /// Path of the config JSON inside the archive.
    #[serde(rename = "Config")]
    pub config: String,
    /// `name:tag` references of this image.
    #[serde(rename = "RepoTags", default)]
    pub repo_tags: Option<Vec<String>>,
    /// Paths of the layer tars inside the archive, bottom first.
    #[serde(rename = "Layers", default)]
    pub layers: Vec<String>,
}
