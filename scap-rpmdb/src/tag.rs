//! The header tags this crate reads (rpm's `rpmTag` numbers).
#![allow(missing_docs)] // each constant is the rpm tag of the same name

pub const SIGPGP: u32 = 259;
pub const SIGMD5: u32 = 261;
pub const SIGGPG: u32 = 262;
pub const DSAHEADER: u32 = 267;
pub const RSAHEADER: u32 = 268;
pub const NAME: u32 = 1000;
pub const VERSION: u32 = 1001;
pub const RELEASE: u32 = 1002;
pub const EPOCH: u32 = 1003;
pub const ARCH: u32 = 1022;
pub const OLDFILENAMES: u32 = 1027;
pub const FILESIZES: u32 = 1028;
pub const FILESTATES: u32 = 1029;
pub const FILEMODES: u32 = 1030;
pub const FILERDEVS: u32 = 1033;
pub const FILEMTIMES: u32 = 1034;
pub const FILEDIGESTS: u32 = 1035;
pub const FILELINKTOS: u32 = 1036;
pub const FILEFLAGS: u32 = 1037;
pub const FILEUSERNAME: u32 = 1039;
pub const FILEGROUPNAME: u32 = 1040;
pub const FILEVERIFYFLAGS: u32 = 1045;
pub const DIRINDEXES: u32 = 1116;
pub const BASENAMES: u32 = 1117;
pub const DIRNAMES: u32 = 1118;
pub const LONGFILESIZES: u32 = 5008;
pub const FILEDIGESTALGO: u32 = 5011;
