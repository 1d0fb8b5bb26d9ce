// Regenerates src/runtime/onnx/onnx-schema.json from the onnx.proto descriptor shipped by the npm package onnx-buf.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const protobuf = require('protobufjs');
const descriptor = require('protobufjs/ext/descriptor');

const source = readFileSync(require.resolve('onnx-buf/package.json').replace('package.json', 'dist/onnx_pb.js'), 'utf8');
const match = /fileDesc\("([A-Za-z0-9+/=]+)"/.exec(source);
if (!match) throw new Error('onnx-buf: no file descriptor found in dist/onnx_pb.js');
const fileProto = descriptor.FileDescriptorProto.decode(Buffer.from(match[1], 'base64'));
const root = protobuf.Root.fromDescriptor({ file: [fileProto] });
const version = JSON.parse(readFileSync(require.resolve('onnx-buf/package.json'), 'utf8')).version;
const json = { source: `onnx.proto from onnx-buf ${version}`, ...root.toJSON() };
writeFileSync(new URL('../src/runtime/onnx/onnx-schema.json', import.meta.url), JSON.stringify(json, null, 1) + '\n');
console.log('wrote onnx-schema.json from onnx-buf', version);
