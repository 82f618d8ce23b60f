"""One small source file per language, exercising what the query files capture."""

SOURCES = {
    "python": '''\
import os, sys as system
import a.b.c as abc
from . import sibling
from ..pkg.mod import (x, y as why)
from m import *
MAX_SIZE = 3
value = 4
@dec
class Foo(Base):
    """Foo docs."""
    attr = 1
    def bar(self, a: int,
            b: str) -> None:
        """Bar docs."""
        def inner(): pass
        return None
    async def baz(self): ...
def top():
    # not doc
    x = 1
''',
    "javascript": """\
import def, { a as b, c } from './mod.js';
import * as ns from "../lib";
import './side-effect';
const fs = require('fs');
export { x as y } from './re';
/** Adds things. */
export function add(a, b) { return a + b; }
/**
 * A class.
 */
export default class Widget extends Base {
  count = 0;
  /** Render it. */
  render(props) { return null; }
  static create() {}
}
const arrow = (x) => x * 2;
let plain = 5;
var fe = function named() {};
function* gen() {}
const api = { get(id) { return id; }, put: (x) => x };
""",
    "typescript": """\
import type { Foo } from './types';
import { bar } from "@/utils/bar";
export interface Shape { area(): number; name: string; }
export type Id = string | number;
enum Color { Red, Green }
namespace NS { export const z = 1; }
abstract class Animal { abstract speak(): void; private legs: number = 4; }
export function make<T>(x: T): T { return x; }
declare function ext(a: number): void;
export const handler = async (req: Request): Promise<void> => {};
""",
    "go": """\
package server

import (
	"fmt"
	log "github.com/x/logger"
	"example.com/proj/pkg/util"
)

import "os"

// Server serves.
// Second line.
type Server struct {
	Addr string
}

type Handler interface {
	Serve() error
}

type ID int

const MaxConns = 10

var defaultServer = &Server{}

// Start starts.
func (s *Server) Start(port int) error {
	return nil
}

func New() *Server { return nil }
""",
    "rust": """\
use std::collections::HashMap;
use crate::util::{helper, other as o};
use super::parent::Thing;
use self::sub::*;
use serde::Serialize as Ser;
mod sub;
mod inline { pub fn f() {} }

/// A point.
#[derive(Debug)]
pub struct Point { x: i32 }

enum Kind { A, B }

pub trait Shape { fn area(&self) -> f64; }

impl Shape for Point {
    /// Area.
    fn area(&self) -> f64 { 0.0 }
}

impl<T> Wrapper<T> { fn get(&self) -> T { todo!() } }

const MAX: u32 = 3;
static NAME: &str = "x";
type Alias = u32;
macro_rules! mac { () => {} }
pub fn top(a: i32) -> i32 { a }
""",
    "java": """\
package com.example.app;

import java.util.List;
import static org.junit.Assert.assertEquals;
import com.example.util.*;

/** The app. */
public class App extends Base implements Runnable {
    private int count = 0;
    /** Construct. */
    public App(int c) { this.count = c; }
    /** Run it. */
    @Override
    public void run() {}
    interface Inner { void go(); }
    enum Mode { A, B }
    record Pair(int a, int b) {}
}
""",
    "c": """\
#include <stdio.h>
#include "util/helper.h"
#define MAX 10
#define SQR(x) ((x)*(x))

/* A point. */
struct point { int x; int y; };
typedef struct point point_t;
enum color { RED, GREEN };
union u { int a; float b; };
int counter = 0;
static int helper(int a);
/* Adds. */
int add(int a, int b) { return a + b; }
char *name(void) { return 0; }
""",
    "cpp": """\
#include "widget.hpp"
#include <vector>
namespace app {
// A widget.
class Widget : public Base {
 public:
  Widget();
  void draw() const;
  int size_ = 0;
};
struct Pod { int a; };
void Widget::draw() const {}
template <typename T> T twice(T x) { return x + x; }
using Vec = std::vector<int>;
}
int main() { return 0; }
""",
}
