//! Collected items: the system-characteristics side of OVAL (`oval-system-characteristics-5`).
//!
//! A probe turns an object into items; the evaluator compares items with states and the results
//! writer prints them. Items are plain data, independent of the target they came from.
//!
//! ```
//! use scap_oval::items::{Item, ItemEntity};
//! use scap_oval::types::{Datatype, ItemStatus};
//!
//! let mut item = Item::new("unix", "file_item");
//! item.push(ItemEntity::string("filepath", "/etc/passwd"));
//! item.push(ItemEntity::typed("size", Datatype::Int, "1024"));
//! assert_eq!(item.status, ItemStatus::Exists);
//! assert_eq!(item.values("size").collect::<Vec<_>>(), ["1024"]);
//! ```

use std::borrow::Cow;

use crate::types::{Datatype, ItemStatus};

/// The text of an item: names, kinds and values. Borrowed for what a probe spells the same for
/// every item (entity names, `true`/`false`, `regular`), owned for what it read: a file item's
/// 27 entities then cost no allocation for their names and a dozen fewer for their values.
pub type Text = Cow<'static, str>;

/// One collected item, e.g. a `file_item` for one file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Item {
    /// The family part of the system-characteristics namespace: `independent`, `unix`, `linux`...
    pub family: Text,
    /// The element name, e.g. `textfilecontent_item`.
    pub kind: Text,
    /// Whether the item exists, and whether collecting it went wrong.
    pub status: ItemStatus,
    /// The item's entities in schema order; a name may repeat (`subexpression`).
    pub entities: Vec<ItemEntity>,
}

impl Item {
    /// An existing item with no entities yet.
    pub fn new(family: impl Into<Text>, kind: impl Into<Text>) -> Item {
        Item {
            family: family.into(),
            kind: kind.into(),
            status: ItemStatus::Exists,
            entities: Vec::new(),
        }
    }

    /// Append an entity.
    pub fn push(&mut self, entity: ItemEntity) {
        self.entities.push(entity);
    }

    /// The values of the entities called `name`, in order.
    pub fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.entities
            .iter()
            .filter(move |e| e.name == name)
            .filter_map(|e| match &e.value {
                EntityValue::Scalar(v) => Some(&**v),
                _ => None,
            })
    }

    /// The first value of the entity called `name`.
    pub fn value<'a>(&'a self, name: &'a str) -> Option<&'a str> {
        self.values(name).next()
    }
}

/// One entity of an item: a name, a datatype and a value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ItemEntity {
    /// The element name, e.g. `filepath`.
    pub name: Text,
    /// The datatype the value has.
    pub datatype: Datatype,
    /// Whether this entity exists on the system (`does not exist` for an absent optional field).
    pub status: ItemStatus,
    /// Whether the value is masked in results (copied from a state's `mask`).
    pub mask: bool,
    /// The value.
    pub value: EntityValue,
}

impl ItemEntity {
    /// A string entity.
    pub fn string(name: impl Into<Text>, value: impl Into<String>) -> ItemEntity {
        ItemEntity::typed(name, Datatype::String, value)
    }

    /// An entity of the given datatype.
    pub fn typed(
        name: impl Into<Text>,
        datatype: Datatype,
        value: impl Into<String>,
    ) -> ItemEntity {
        ItemEntity::fixed(name, datatype, Text::Owned(value.into()))
    }

    /// An entity whose value is given as [`Text`]: a value every item spells the same
    /// (`"regular"`, `"true"`) borrowed from the program instead of allocated per item.
    ///
    /// ```
    /// use scap_oval::items::{EntityValue, ItemEntity};
    /// use scap_oval::types::Datatype;
    /// let e = ItemEntity::fixed("type", Datatype::String, "regular".into());
    /// assert_eq!(e.value, EntityValue::Scalar("regular".into()));
    /// ```
    pub fn fixed(name: impl Into<Text>, datatype: Datatype, value: Text) -> ItemEntity {
        ItemEntity {
            name: name.into(),
            datatype,
            status: ItemStatus::Exists,
            mask: false,
            value: EntityValue::Scalar(value),
        }
    }

    /// A boolean entity (`true`/`false`).
    pub fn boolean(name: impl Into<Text>, value: bool) -> ItemEntity {
        ItemEntity::fixed(
            name,
            Datatype::Boolean,
            Text::Borrowed(if value { "true" } else { "false" }),
        )
    }

    /// An int entity.
    pub fn int(name: impl Into<Text>, value: impl std::fmt::Display) -> ItemEntity {
        ItemEntity::typed(name, Datatype::Int, value.to_string())
    }

    /// An entity with no value (written as an empty element).
    pub fn empty(name: impl Into<Text>) -> ItemEntity {
        ItemEntity::fixed(name, Datatype::String, Text::Borrowed(""))
    }

    /// An entity whose value does not exist on the system (`status="does not exist"`).
    pub fn does_not_exist(name: impl Into<Text>, datatype: Datatype) -> ItemEntity {
        ItemEntity {
            status: ItemStatus::DoesNotExist,
            value: EntityValue::Nil,
            ..ItemEntity::fixed(name, datatype, Text::Borrowed(""))
        }
    }
}

/// The value of an item entity.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum EntityValue {
    /// A simple value as text.
    Scalar(Text),
    /// A `record`: named fields.
    Record(Vec<ItemField>),
    /// No value (`xsi:nil`, or an entity whose status is not `exists`).
    Nil,
}

/// One `field` of a record entity.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ItemField {
    /// The field name.
    pub name: String,
    /// Its datatype.
    pub datatype: Datatype,
    /// Its status.
    pub status: ItemStatus,
    /// Its value.
    pub value: String,
}
