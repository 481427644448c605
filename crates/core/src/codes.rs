//! `codes!`: an enum of stable codes, each with its Chinese label (`code`, `parse`, `label_zh`,
//! `ALL`) — the shape every stage, outcome and kind of the workflow records takes.

macro_rules! codes {
    ($name:ident { $($variant:ident => $code:literal, $zh:literal;)* }) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant,)* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)* }
            }

            pub fn parse(code: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.code() == code)
            }

            pub fn label_zh(self) -> &'static str {
                match self { $($name::$variant => $zh,)* }
            }
        }
    };
}
