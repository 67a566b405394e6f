//! `serde` for the XCCDF enumerations that have an XML spelling: they serialize as that
//! spelling (`"notapplicable"`, `"high"`, `"unscored"`), so JSON reads like the XML.

use std::borrow::Cow;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::engine::XccdfResult;
use crate::model::{Role, Severity};

macro_rules! as_xml_token {
    ($($ty:ty),+) => {$(
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = Cow::<'de, str>::deserialize(d)?;
                <$ty>::parse(&s).ok_or_else(|| D::Error::custom(format!("unknown value `{s}`")))
            }
        }
    )+};
}

as_xml_token!(XccdfResult, Role, Severity);
