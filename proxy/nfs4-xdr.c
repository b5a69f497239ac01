/*
 * GENERATED FILE - do not edit. Made by proxy/xdrgen.py from proxy/nfs4.x
 * (`make regen-xdr`).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "nfs4.h"
#include "nfs4-xdr.h"

const struct nfs4_xdr_node nfs4_xdr_nodes[374] = {
	[0] = { NFS4_XK_VOID, 0, 0, 0, 0, 0 },
	[1] = { NFS4_XK_U32, 0, 0, 0, 0, 0 },	/* nfsstat4 */
	[2] = { NFS4_XK_ARRAY, 0, 0, 1, 1024, 0 },	/* bitmap4 */
	[3] = { NFS4_XK_U64, 0, 0, 0, 0, 0 },	/* changeid4 */
	[4] = { NFS4_XK_OPAQUE, 0, 0, 128, 0, 0 },
	[5] = { NFS4_XK_OPAQUE, NFS4_MARK_FH, 0, 128, 0, 0 },	/* nfs_fh4 */
	[6] = { NFS4_XK_OPAQUE, 0, 0, 1024, 0, 0 },	/* sec_oid4 */
	[7] = { NFS4_XK_OPAQUE_FIXED, 0, 0, 16, 0, 0 },	/* sessionid4 */
	[8] = { NFS4_XK_OPAQUE, 0, 0, 4096, 0, 0 },	/* utf8string */
	[9] = { NFS4_XK_ARRAY, 0, 0, 8, 1024, 0 },	/* pathname4 */
	[10] = { NFS4_XK_OPAQUE_FIXED, 0, 0, 8, 0, 0 },	/* verifier4 */
	[11] = { NFS4_XK_STRUCT, 0, 2, 0, 0, 0 },	/* nfstime4 */
	[12] = { NFS4_XK_ENUM, 0, 2, 0, 0, 0 },	/* time_how4 */
	[13] = { NFS4_XK_UNION, 0, 1, 0, 12, 0 },	/* settime4 */
	[14] = { NFS4_XK_STRUCT, 0, 2, 2, 0, 0 },	/* specdata4 */
	[15] = { NFS4_XK_STRUCT, 0, 2, 4, 0, 0 },	/* fsid4 */
	[16] = { NFS4_XK_STRUCT, 0, 2, 4, 0, 0 },	/* change_policy4 */
	[17] = { NFS4_XK_STRUCT, 0, 2, 6, 0, 0 },	/* netaddr4 */
	[18] = { NFS4_XK_STRUCT, 0, 3, 8, 0, 0 },	/* nfs_impl_id4 */
	[19] = { NFS4_XK_STRUCT, 0, 2, 11, 0, 0 },	/* stateid4 */
	[20] = { NFS4_XK_OPAQUE_FIXED, 0, 0, 12, 0, 0 },
	[21] = { NFS4_XK_STRUCT, 0, 2, 13, 0, 0 },	/* layout_content4 */
	[22] = { NFS4_XK_OPAQUE, 0, 0, 65536, 0, 0 },	/* gsshandle4_t */
	[23] = { NFS4_XK_STRUCT, 0, 2, 13, 0, 0 },	/* layouthint4 */
	[24] = { NFS4_XK_ENUM, 0, 3, 2, 0, 0 },	/* layoutiomode4 */
	[25] = { NFS4_XK_STRUCT, 0, 4, 15, 0, 0 },	/* layout4 */
	[26] = { NFS4_XK_STRUCT, 0, 2, 13, 0, 0 },	/* device_addr4 */
	[27] = { NFS4_XK_STRUCT, 0, 2, 13, 0, 0 },	/* layoutupdate4 */
	[28] = { NFS4_XK_STRUCT, 0, 4, 19, 0, 0 },	/* layoutreturn_file4 */
	[29] = { NFS4_XK_UNION, 0, 1, 1, 24, 0 },	/* layoutreturn4 */
	[30] = { NFS4_XK_ENUM, 0, 9, 5, 0, 0 },	/* nfs_ftype4 */
	[31] = { NFS4_XK_STRUCT, 0, 4, 23, 0, 0 },	/* nfsace4 */
	[32] = { NFS4_XK_STRUCT, 0, 2, 27, 0, 0 },	/* nfsacl41 */
	[33] = { NFS4_XK_ARRAY, 0, 0, 31, 1024, 0 },
	[34] = { NFS4_XK_STRUCT, 0, 2, 1, 0, 0 },	/* mode_masked4 */
	[35] = { NFS4_XK_STRUCT, 0, 2, 29, 0, 0 },	/* fs_location4 */
	[36] = { NFS4_XK_STRUCT, 0, 2, 31, 0, 0 },	/* fs_locations4 */
	[37] = { NFS4_XK_ARRAY, 0, 0, 35, 1024, 0 },
	[38] = { NFS4_XK_STRUCT, 0, 3, 33, 0, 0 },	/* fs_locations_server4 */
	[39] = { NFS4_XK_STRUCT, 0, 2, 36, 0, 0 },	/* fs_locations_item4 */
	[40] = { NFS4_XK_ARRAY, 0, 0, 38, 1024, 0 },
	[41] = { NFS4_XK_STRUCT, 0, 4, 38, 0, 0 },	/* fs_locations_info4 */
	[42] = { NFS4_XK_ARRAY, 0, 0, 39, 1024, 0 },
	[43] = { NFS4_XK_STRUCT, 0, 6, 42, 0, 0 },	/* fs4_status */
	[44] = { NFS4_XK_BOOL, 0, 0, 0, 0, 0 },
	[45] = { NFS4_XK_STRUCT, 0, 3, 48, 0, 0 },	/* threshold_item4 */
	[46] = { NFS4_XK_STRUCT, 0, 1, 51, 0, 0 },	/* mdsthreshold4 */
	[47] = { NFS4_XK_ARRAY, 0, 0, 45, 1024, 0 },
	[48] = { NFS4_XK_STRUCT, 0, 2, 52, 0, 0 },	/* retention_get4 */
	[49] = { NFS4_XK_ARRAY, 0, 0, 11, 1, 0 },
	[50] = { NFS4_XK_STRUCT, 0, 2, 54, 0, 0 },	/* retention_set4 */
	[51] = { NFS4_XK_ARRAY, 0, 0, 3, 1, 0 },
	[52] = { NFS4_XK_STRUCT, 0, 2, 1, 0, 0 },	/* labelformat_spec4 */
	[53] = { NFS4_XK_STRUCT, 0, 2, 56, 0, 0 },	/* sec_label4 */
	[54] = { NFS4_XK_STRUCT, 0, 2, 1, 0, 0 },	/* mode_umask4 */
	[55] = { NFS4_XK_UNION, 0, 83, 2, 1, 65535 },	/* fattr4_vals */
	[56] = { NFS4_XK_U64, NFS4_MARK_ATTR_SIZE, 0, 0, 0, 0 },
	[57] = { NFS4_XK_U64, NFS4_MARK_ATTR_MAXIO, 0, 0, 0, 0 },
	[58] = { NFS4_XK_OPAQUE, NFS4_MARK_ATTR_OWNER, 0, 4096, 0, 0 },
	[59] = { NFS4_XK_OPAQUE, NFS4_MARK_ATTR_OWNER_GROUP, 0, 4096, 0, 0 },
	[60] = { NFS4_XK_BITMAPPED, 0, 0, 55, 1024, 1048576 },	/* fattr4 */
	[61] = { NFS4_XK_STRUCT, 0, 3, 58, 0, 0 },	/* change_info4 */
	[62] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* ACCESS4args */
	[63] = { NFS4_XK_STRUCT, 0, 2, 1, 0, 0 },	/* ACCESS4resok */
	[64] = { NFS4_XK_UNION, 0, 1, 85, 1, 0 },	/* ACCESS4res */
	[65] = { NFS4_XK_STRUCT, 0, 2, 61, 0, 0 },	/* CLOSE4args */
	[66] = { NFS4_XK_UNION, 0, 1, 86, 1, 0 },	/* CLOSE4res */
	[67] = { NFS4_XK_STRUCT, 0, 2, 0, 0, 0 },	/* COMMIT4args */
	[68] = { NFS4_XK_STRUCT, 0, 1, 63, 0, 0 },	/* COMMIT4resok */
	[69] = { NFS4_XK_UNION, 0, 1, 87, 1, 0 },	/* COMMIT4res */
	[70] = { NFS4_XK_UNION, 0, 6, 88, 30, 0 },	/* createtype4 */
	[71] = { NFS4_XK_STRUCT, 0, 3, 64, 0, 0 },	/* CREATE4args */
	[72] = { NFS4_XK_OPAQUE, NFS4_MARK_NAME, 0, 4096, 0, 0 },
	[73] = { NFS4_XK_STRUCT, 0, 2, 67, 0, 0 },	/* CREATE4resok */
	[74] = { NFS4_XK_UNION, 0, 1, 94, 1, 0 },	/* CREATE4res */
	[75] = { NFS4_XK_STRUCT, 0, 1, 0, 0, 0 },	/* DELEGPURGE4args */
	[76] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* DELEGPURGE4res */
	[77] = { NFS4_XK_STRUCT, 0, 1, 21, 0, 0 },	/* DELEGRETURN4args */
	[78] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* DELEGRETURN4res */
	[79] = { NFS4_XK_STRUCT, 0, 1, 49, 0, 0 },	/* GETATTR4args */
	[80] = { NFS4_XK_STRUCT, 0, 1, 66, 0, 0 },	/* GETATTR4resok */
	[81] = { NFS4_XK_UNION, 0, 1, 95, 1, 0 },	/* GETATTR4res */
	[82] = { NFS4_XK_STRUCT, 0, 1, 69, 0, 0 },	/* GETFH4resok */
	[83] = { NFS4_XK_UNION, 0, 1, 96, 1, 0 },	/* GETFH4res */
	[84] = { NFS4_XK_STRUCT, 0, 1, 65, 0, 0 },	/* LINK4args */
	[85] = { NFS4_XK_STRUCT, 0, 1, 67, 0, 0 },	/* LINK4resok */
	[86] = { NFS4_XK_UNION, 0, 1, 97, 1, 0 },	/* LINK4res */
	[87] = { NFS4_XK_ENUM, 0, 4, 5, 0, 0 },	/* nfs_lock_type4 */
	[88] = { NFS4_XK_STRUCT, 0, 2, 5, 0, 0 },	/* lock_owner4 */
	[89] = { NFS4_XK_STRUCT, 0, 4, 70, 0, 0 },	/* open_to_lock_owner4 */
	[90] = { NFS4_XK_STRUCT, 0, 2, 71, 0, 0 },	/* exist_lock_owner4 */
	[91] = { NFS4_XK_UNION, 0, 2, 98, 44, 65535 },	/* locker4 */
	[92] = { NFS4_XK_STRUCT, 0, 5, 74, 0, 0 },	/* LOCK4args */
	[93] = { NFS4_XK_STRUCT, 0, 4, 79, 0, 0 },	/* LOCK4denied */
	[94] = { NFS4_XK_STRUCT, 0, 1, 21, 0, 0 },	/* LOCK4resok */
	[95] = { NFS4_XK_UNION, 0, 2, 100, 1, 0 },	/* LOCK4res */
	[96] = { NFS4_XK_STRUCT, 0, 4, 83, 0, 0 },	/* LOCKT4args */
	[97] = { NFS4_XK_UNION, 0, 2, 102, 1, 0 },	/* LOCKT4res */
	[98] = { NFS4_XK_STRUCT, 0, 5, 87, 0, 0 },	/* LOCKU4args */
	[99] = { NFS4_XK_UNION, 0, 1, 104, 1, 0 },	/* LOCKU4res */
	[100] = { NFS4_XK_STRUCT, 0, 1, 65, 0, 0 },	/* LOOKUP4args */
	[101] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* LOOKUP4res */
	[102] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* LOOKUPP4res */
	[103] = { NFS4_XK_STRUCT, 0, 1, 66, 0, 0 },	/* NVERIFY4args */
	[104] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* NVERIFY4res */
	[105] = { NFS4_XK_ENUM, 0, 4, 14, 0, 0 },	/* createmode4 */
	[106] = { NFS4_XK_STRUCT, 0, 2, 92, 0, 0 },	/* creatverfattr */
	[107] = { NFS4_XK_UNION, 0, 4, 105, 105, 65535 },	/* createhow4 */
	[108] = { NFS4_XK_UNION, 0, 1, 109, 109, 0 },	/* openflag4 */
	[109] = { NFS4_XK_ENUM, NFS4_MARK_OPEN_CREATE, 2, 0, 0, 0 },
	[110] = { NFS4_XK_ENUM, 0, 2, 2, 0, 0 },	/* limit_by4 */
	[111] = { NFS4_XK_STRUCT, 0, 2, 1, 0, 0 },	/* nfs_modified_limit4 */
	[112] = { NFS4_XK_UNION, 0, 2, 110, 110, 65535 },	/* nfs_space_limit4 */
	[113] = { NFS4_XK_ENUM, 0, 7, 18, 0, 0 },	/* open_claim_type4 */
	[114] = { NFS4_XK_STRUCT, 0, 2, 94, 0, 0 },	/* open_claim_delegate_cur4 */
	[115] = { NFS4_XK_UNION, 0, 7, 112, 116, 65535 },	/* open_claim4 */
	[116] = { NFS4_XK_ENUM, NFS4_MARK_OPEN_CLAIM, 7, 18, 0, 0 },
	[117] = { NFS4_XK_STRUCT, 0, 2, 5, 0, 0 },	/* open_owner4 */
	[118] = { NFS4_XK_STRUCT, 0, 6, 96, 0, 0 },	/* OPEN4args */
	[119] = { NFS4_XK_U32, NFS4_MARK_OPEN_SHARE_ACCESS, 0, 0, 0, 0 },
	[120] = { NFS4_XK_STRUCT, 0, 3, 102, 0, 0 },	/* open_read_delegation4 */
	[121] = { NFS4_XK_STRUCT, 0, 4, 105, 0, 0 },	/* open_write_delegation4 */
	[122] = { NFS4_XK_ENUM, 0, 9, 25, 0, 0 },	/* why_no_delegation4 */
	[123] = { NFS4_XK_UNION, 0, 2, 119, 122, 0 },	/* open_none_delegation4 */
	[124] = { NFS4_XK_UNION, 0, 4, 121, 105, 65535 },	/* open_delegation4 */
	[125] = { NFS4_XK_STRUCT, 0, 5, 109, 0, 0 },	/* OPEN4resok */
	[126] = { NFS4_XK_UNION, 0, 1, 125, 1, 0 },	/* OPEN4res */
	[127] = { NFS4_XK_STRUCT, 0, 1, 42, 0, 0 },	/* OPENATTR4args */
	[128] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* OPENATTR4res */
	[129] = { NFS4_XK_STRUCT, 0, 2, 71, 0, 0 },	/* OPEN_CONFIRM4args */
	[130] = { NFS4_XK_STRUCT, 0, 1, 21, 0, 0 },	/* OPEN_CONFIRM4resok */
	[131] = { NFS4_XK_UNION, 0, 1, 126, 1, 0 },	/* OPEN_CONFIRM4res */
	[132] = { NFS4_XK_STRUCT, 0, 4, 114, 0, 0 },	/* OPEN_DOWNGRADE4args */
	[133] = { NFS4_XK_STRUCT, 0, 1, 21, 0, 0 },	/* OPEN_DOWNGRADE4resok */
	[134] = { NFS4_XK_UNION, 0, 1, 127, 1, 0 },	/* OPEN_DOWNGRADE4res */
	[135] = { NFS4_XK_STRUCT, 0, 1, 69, 0, 0 },	/* PUTFH4args */
	[136] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* PUTFH4res */
	[137] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* PUTPUBFH4res */
	[138] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* PUTROOTFH4res */
	[139] = { NFS4_XK_STRUCT, 0, 3, 118, 0, 0 },	/* READ4args */
	[140] = { NFS4_XK_U32, NFS4_MARK_READ_COUNT, 0, 0, 0, 0 },
	[141] = { NFS4_XK_STRUCT, 0, 2, 121, 0, 0 },	/* READ4resok */
	[142] = { NFS4_XK_OPAQUE, 0, 0, 4194304, 0, 0 },
	[143] = { NFS4_XK_OPAQUE, NFS4_MARK_READ_DATA, 0, 4194304, 0, 0 },
	[144] = { NFS4_XK_UNION, 0, 1, 128, 1, 0 },	/* READ4res */
	[145] = { NFS4_XK_STRUCT, 0, 5, 123, 0, 0 },	/* READDIR4args */
	[146] = { NFS4_XK_U32, NFS4_MARK_READDIR_MAXCOUNT, 0, 0, 0, 0 },
	[147] = { NFS4_XK_STRUCT, 0, 4, 128, 0, 0 },	/* entry4 */
	[148] = { NFS4_XK_OPTIONAL, 0, 0, 147, 0, 0 },
	[149] = { NFS4_XK_STRUCT, 0, 2, 132, 0, 0 },	/* dirlist4 */
	[150] = { NFS4_XK_STRUCT, 0, 2, 134, 0, 0 },	/* READDIR4resok */
	[151] = { NFS4_XK_UNION, 0, 1, 129, 1, 0 },	/* READDIR4res */
	[152] = { NFS4_XK_STRUCT, 0, 1, 8, 0, 0 },	/* READLINK4resok */
	[153] = { NFS4_XK_UNION, 0, 1, 130, 1, 0 },	/* READLINK4res */
	[154] = { NFS4_XK_STRUCT, 0, 1, 65, 0, 0 },	/* REMOVE4args */
	[155] = { NFS4_XK_STRUCT, 0, 1, 67, 0, 0 },	/* REMOVE4resok */
	[156] = { NFS4_XK_UNION, 0, 1, 131, 1, 0 },	/* REMOVE4res */
	[157] = { NFS4_XK_STRUCT, 0, 2, 136, 0, 0 },	/* RENAME4args */
	[158] = { NFS4_XK_STRUCT, 0, 2, 138, 0, 0 },	/* RENAME4resok */
	[159] = { NFS4_XK_UNION, 0, 1, 132, 1, 0 },	/* RENAME4res */
	[160] = { NFS4_XK_STRUCT, 0, 1, 0, 0, 0 },	/* RENEW4args */
	[161] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* RENEW4res */
	[162] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* RESTOREFH4res */
	[163] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* SAVEFH4res */
	[164] = { NFS4_XK_STRUCT, 0, 1, 65, 0, 0 },	/* SECINFO4args */
	[165] = { NFS4_XK_STRUCT, 0, 3, 140, 0, 0 },	/* rpcsec_gss_info */
	[166] = { NFS4_XK_UNION, 0, 1, 133, 1, 0 },	/* secinfo4 */
	[167] = { NFS4_XK_ARRAY, 0, 0, 166, 1024, 0 },	/* SECINFO4resok */
	[168] = { NFS4_XK_UNION, 0, 1, 134, 1, 0 },	/* SECINFO4res */
	[169] = { NFS4_XK_STRUCT, 0, 2, 143, 0, 0 },	/* SETATTR4args */
	[170] = { NFS4_XK_BITMAPPED, NFS4_MARK_SETATTR_ATTRS, 0, 55, 1024, 1048576 },
	[171] = { NFS4_XK_STRUCT, 0, 2, 48, 0, 0 },	/* SETATTR4res */
	[172] = { NFS4_XK_STRUCT, 0, 2, 145, 0, 0 },	/* nfs_client_id4 */
	[173] = { NFS4_XK_STRUCT, 0, 2, 147, 0, 0 },	/* cb_client4 */
	[174] = { NFS4_XK_STRUCT, 0, 3, 149, 0, 0 },	/* SETCLIENTID4args */
	[175] = { NFS4_XK_STRUCT, NFS4_MARK_SETCLIENTID_CB, 2, 147, 0, 0 },
	[176] = { NFS4_XK_STRUCT, 0, 2, 91, 0, 0 },	/* SETCLIENTID4resok */
	[177] = { NFS4_XK_UNION, 0, 2, 135, 1, 0 },	/* SETCLIENTID4res */
	[178] = { NFS4_XK_STRUCT, 0, 2, 91, 0, 0 },	/* SETCLIENTID_CONFIRM4args */
	[179] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* SETCLIENTID_CONFIRM4res */
	[180] = { NFS4_XK_STRUCT, 0, 1, 66, 0, 0 },	/* VERIFY4args */
	[181] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* VERIFY4res */
	[182] = { NFS4_XK_ENUM, 0, 3, 14, 0, 0 },	/* stable_how4 */
	[183] = { NFS4_XK_STRUCT, 0, 4, 152, 0, 0 },	/* WRITE4args */
	[184] = { NFS4_XK_OPAQUE, NFS4_MARK_WRITE_DATA, 0, 4194304, 0, 0 },
	[185] = { NFS4_XK_STRUCT, 0, 3, 156, 0, 0 },	/* WRITE4resok */
	[186] = { NFS4_XK_UNION, 0, 1, 137, 1, 0 },	/* WRITE4res */
	[187] = { NFS4_XK_STRUCT, 0, 1, 73, 0, 0 },	/* RELEASE_LOCKOWNER4args */
	[188] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* RELEASE_LOCKOWNER4res */
	[189] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* ILLEGAL4res */
	[190] = { NFS4_XK_STRUCT, 0, 3, 159, 0, 0 },	/* gss_cb_handles4 */
	[191] = { NFS4_XK_STRUCT, 0, 5, 162, 0, 0 },	/* authsys_parms */
	[192] = { NFS4_XK_OPAQUE, 0, 0, 255, 0, 0 },
	[193] = { NFS4_XK_ARRAY, 0, 0, 1, 16, 0 },
	[194] = { NFS4_XK_UNION, 0, 3, 138, 1, 65535 },	/* callback_sec_parms4 */
	[195] = { NFS4_XK_STRUCT, 0, 2, 167, 0, 0 },	/* BACKCHANNEL_CTL4args */
	[196] = { NFS4_XK_U32, NFS4_MARK_CSESS_CB_PROGRAM, 0, 0, 0, 0 },
	[197] = { NFS4_XK_ARRAY, 0, 0, 194, 1024, 0 },
	[198] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* BACKCHANNEL_CTL4res */
	[199] = { NFS4_XK_ENUM, 0, 4, 34, 0, 0 },	/* channel_dir_from_client4 */
	[200] = { NFS4_XK_STRUCT, 0, 3, 169, 0, 0 },	/* BIND_CONN_TO_SESSION4args */
	[201] = { NFS4_XK_STRUCT, 0, 3, 172, 0, 0 },	/* BIND_CONN_TO_SESSION4resok */
	[202] = { NFS4_XK_UNION, 0, 1, 141, 1, 0 },	/* BIND_CONN_TO_SESSION4res */
	[203] = { NFS4_XK_STRUCT, 0, 2, 145, 0, 0 },	/* client_owner4 */
	[204] = { NFS4_XK_STRUCT, 0, 2, 5, 0, 0 },	/* server_owner4 */
	[205] = { NFS4_XK_STRUCT, 0, 2, 175, 0, 0 },	/* state_protect_ops4 */
	[206] = { NFS4_XK_STRUCT, 0, 5, 177, 0, 0 },	/* ssv_sp_parms4 */
	[207] = { NFS4_XK_ARRAY, 0, 0, 6, 1024, 0 },
	[208] = { NFS4_XK_UNION, 0, 3, 142, 182, 65535 },	/* state_protect4_a */
	[209] = { NFS4_XK_STRUCT, 0, 4, 182, 0, 0 },	/* EXCHANGE_ID4args */
	[210] = { NFS4_XK_ARRAY, 0, 0, 18, 1, 0 },
	[211] = { NFS4_XK_STRUCT, 0, 6, 186, 0, 0 },	/* ssv_prot_info4 */
	[212] = { NFS4_XK_ARRAY, 0, 0, 22, 1024, 0 },
	[213] = { NFS4_XK_UNION, 0, 3, 145, 182, 65535 },	/* state_protect4_r */
	[214] = { NFS4_XK_STRUCT, 0, 7, 192, 0, 0 },	/* EXCHANGE_ID4resok */
	[215] = { NFS4_XK_U32, NFS4_MARK_EXCHGID_FLAGS, 0, 0, 0, 0 },
	[216] = { NFS4_XK_UNION, 0, 1, 148, 1, 0 },	/* EXCHANGE_ID4res */
	[217] = { NFS4_XK_STRUCT, 0, 7, 199, 0, 0 },	/* channel_attrs4 */
	[218] = { NFS4_XK_U32, NFS4_MARK_CHAN_MAXSIZE, 0, 0, 0, 0 },
	[219] = { NFS4_XK_ARRAY, 0, 0, 1, 1, 0 },
	[220] = { NFS4_XK_STRUCT, 0, 7, 206, 0, 0 },	/* CREATE_SESSION4args */
	[221] = { NFS4_XK_STRUCT, 0, 5, 213, 0, 0 },	/* CREATE_SESSION4resok */
	[222] = { NFS4_XK_UNION, 0, 1, 149, 1, 0 },	/* CREATE_SESSION4res */
	[223] = { NFS4_XK_STRUCT, 0, 1, 169, 0, 0 },	/* DESTROY_SESSION4args */
	[224] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* DESTROY_SESSION4res */
	[225] = { NFS4_XK_STRUCT, 0, 1, 21, 0, 0 },	/* FREE_STATEID4args */
	[226] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* FREE_STATEID4res */
	[227] = { NFS4_XK_STRUCT, 0, 6, 218, 0, 0 },	/* GET_DIR_DELEGATION4args */
	[228] = { NFS4_XK_STRUCT, 0, 5, 224, 0, 0 },	/* GET_DIR_DELEGATION4resok */
	[229] = { NFS4_XK_UNION, 0, 2, 150, 12, 65535 },	/* GET_DIR_DELEGATION4res_non_fatal */
	[230] = { NFS4_XK_UNION, 0, 1, 152, 1, 0 },	/* GET_DIR_DELEGATION4res */
	[231] = { NFS4_XK_STRUCT, 0, 4, 229, 0, 0 },	/* GETDEVICEINFO4args */
	[232] = { NFS4_XK_STRUCT, 0, 2, 233, 0, 0 },	/* GETDEVICEINFO4resok */
	[233] = { NFS4_XK_UNION, 0, 2, 153, 1, 0 },	/* GETDEVICEINFO4res */
	[234] = { NFS4_XK_STRUCT, 0, 4, 235, 0, 0 },	/* GETDEVICELIST4args */
	[235] = { NFS4_XK_STRUCT, 0, 4, 239, 0, 0 },	/* GETDEVICELIST4resok */
	[236] = { NFS4_XK_ARRAY, 0, 0, 7, 1024, 0 },
	[237] = { NFS4_XK_UNION, 0, 1, 155, 1, 0 },	/* GETDEVICELIST4res */
	[238] = { NFS4_XK_UNION, 0, 2, 156, 44, 65535 },	/* newtime4 */
	[239] = { NFS4_XK_UNION, 0, 2, 158, 44, 65535 },	/* newoffset4 */
	[240] = { NFS4_XK_STRUCT, 0, 7, 243, 0, 0 },	/* LAYOUTCOMMIT4args */
	[241] = { NFS4_XK_UNION, 0, 2, 160, 44, 65535 },	/* newsize4 */
	[242] = { NFS4_XK_STRUCT, 0, 1, 250, 0, 0 },	/* LAYOUTCOMMIT4resok */
	[243] = { NFS4_XK_UNION, 0, 1, 162, 1, 0 },	/* LAYOUTCOMMIT4res */
	[244] = { NFS4_XK_STRUCT, 0, 8, 251, 0, 0 },	/* LAYOUTGET4args */
	[245] = { NFS4_XK_STRUCT, 0, 3, 259, 0, 0 },	/* LAYOUTGET4resok */
	[246] = { NFS4_XK_ARRAY, 0, 0, 25, 1024, 0 },
	[247] = { NFS4_XK_UNION, 0, 2, 163, 1, 0 },	/* LAYOUTGET4res */
	[248] = { NFS4_XK_STRUCT, 0, 4, 262, 0, 0 },	/* LAYOUTRETURN4args */
	[249] = { NFS4_XK_UNION, 0, 2, 165, 44, 65535 },	/* layoutreturn_stateid */
	[250] = { NFS4_XK_UNION, 0, 1, 167, 1, 0 },	/* LAYOUTRETURN4res */
	[251] = { NFS4_XK_STRUCT, 0, 5, 266, 0, 0 },	/* SEQUENCE4args */
	[252] = { NFS4_XK_STRUCT, 0, 6, 271, 0, 0 },	/* SEQUENCE4resok */
	[253] = { NFS4_XK_UNION, 0, 1, 168, 1, 0 },	/* SEQUENCE4res */
	[254] = { NFS4_XK_STRUCT, 0, 2, 160, 0, 0 },	/* SET_SSV4args */
	[255] = { NFS4_XK_STRUCT, 0, 1, 14, 0, 0 },	/* SET_SSV4resok */
	[256] = { NFS4_XK_UNION, 0, 1, 169, 1, 0 },	/* SET_SSV4res */
	[257] = { NFS4_XK_STRUCT, 0, 1, 277, 0, 0 },	/* TEST_STATEID4args */
	[258] = { NFS4_XK_ARRAY, 0, 0, 19, 1024, 0 },
	[259] = { NFS4_XK_STRUCT, 0, 1, 49, 0, 0 },	/* TEST_STATEID4resok */
	[260] = { NFS4_XK_UNION, 0, 1, 170, 1, 0 },	/* TEST_STATEID4res */
	[261] = { NFS4_XK_UNION, 0, 3, 171, 113, 65535 },	/* deleg_claim4 */
	[262] = { NFS4_XK_STRUCT, 0, 2, 278, 0, 0 },	/* WANT_DELEGATION4args */
	[263] = { NFS4_XK_UNION, 0, 1, 174, 1, 0 },	/* WANT_DELEGATION4res */
	[264] = { NFS4_XK_STRUCT, 0, 1, 0, 0, 0 },	/* DESTROY_CLIENTID4args */
	[265] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* DESTROY_CLIENTID4res */
	[266] = { NFS4_XK_STRUCT, 0, 1, 42, 0, 0 },	/* RECLAIM_COMPLETE4args */
	[267] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* RECLAIM_COMPLETE4res */
	[268] = { NFS4_XK_UNION, 0, 3, 175, 24, 65535 },	/* netloc4 */
	[269] = { NFS4_XK_STRUCT, 0, 3, 89, 0, 0 },	/* ALLOCATE4args */
	[270] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* ALLOCATE4res */
	[271] = { NFS4_XK_STRUCT, 0, 4, 280, 0, 0 },	/* write_response4 */
	[272] = { NFS4_XK_ARRAY, 0, 0, 19, 1, 0 },
	[273] = { NFS4_XK_STRUCT, 0, 2, 284, 0, 0 },	/* copy_requirements4 */
	[274] = { NFS4_XK_STRUCT, 0, 8, 286, 0, 0 },	/* COPY4args */
	[275] = { NFS4_XK_ARRAY, 0, 0, 268, 1024, 0 },
	[276] = { NFS4_XK_STRUCT, 0, 2, 294, 0, 0 },	/* COPY4resok */
	[277] = { NFS4_XK_UNION, 0, 2, 178, 1, 0 },	/* COPY4res */
	[278] = { NFS4_XK_STRUCT, 0, 2, 296, 0, 0 },	/* COPY_NOTIFY4args */
	[279] = { NFS4_XK_STRUCT, 0, 3, 298, 0, 0 },	/* COPY_NOTIFY4resok */
	[280] = { NFS4_XK_UNION, 0, 1, 180, 1, 0 },	/* COPY_NOTIFY4res */
	[281] = { NFS4_XK_STRUCT, 0, 3, 89, 0, 0 },	/* DEALLOCATE4args */
	[282] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* DEALLOCATE4res */
	[283] = { NFS4_XK_STRUCT, 0, 4, 301, 0, 0 },	/* IO_ADVISE4args */
	[284] = { NFS4_XK_STRUCT, 0, 1, 49, 0, 0 },	/* IO_ADVISE4resok */
	[285] = { NFS4_XK_UNION, 0, 1, 181, 1, 0 },	/* IO_ADVISE4res */
	[286] = { NFS4_XK_STRUCT, 0, 3, 213, 0, 0 },	/* device_error4 */
	[287] = { NFS4_XK_STRUCT, 0, 4, 305, 0, 0 },	/* LAYOUTERROR4args */
	[288] = { NFS4_XK_ARRAY, 0, 0, 286, 1024, 0 },
	[289] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* LAYOUTERROR4res */
	[290] = { NFS4_XK_STRUCT, 0, 2, 4, 0, 0 },	/* io_info4 */
	[291] = { NFS4_XK_STRUCT, 0, 7, 309, 0, 0 },	/* LAYOUTSTATS4args */
	[292] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* LAYOUTSTATS4res */
	[293] = { NFS4_XK_STRUCT, 0, 1, 21, 0, 0 },	/* OFFLOAD_CANCEL4args */
	[294] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* OFFLOAD_CANCEL4res */
	[295] = { NFS4_XK_STRUCT, 0, 1, 21, 0, 0 },	/* OFFLOAD_STATUS4args */
	[296] = { NFS4_XK_STRUCT, 0, 2, 316, 0, 0 },	/* OFFLOAD_STATUS4resok */
	[297] = { NFS4_XK_UNION, 0, 1, 182, 1, 0 },	/* OFFLOAD_STATUS4res */
	[298] = { NFS4_XK_STRUCT, 0, 3, 318, 0, 0 },	/* READ_PLUS4args */
	[299] = { NFS4_XK_STRUCT, 0, 2, 321, 0, 0 },	/* data4 */
	[300] = { NFS4_XK_STRUCT, 0, 2, 4, 0, 0 },	/* data_info4 */
	[301] = { NFS4_XK_UNION, 0, 2, 183, 12, 0 },	/* read_plus_content */
	[302] = { NFS4_XK_STRUCT, 0, 2, 323, 0, 0 },	/* read_plus_res4 */
	[303] = { NFS4_XK_ARRAY, 0, 0, 301, 1024, 0 },
	[304] = { NFS4_XK_UNION, 0, 1, 185, 1, 0 },	/* READ_PLUS4res */
	[305] = { NFS4_XK_STRUCT, 0, 3, 325, 0, 0 },	/* SEEK4args */
	[306] = { NFS4_XK_STRUCT, 0, 2, 58, 0, 0 },	/* seek_res4 */
	[307] = { NFS4_XK_UNION, 0, 1, 186, 1, 0 },	/* SEEK4res */
	[308] = { NFS4_XK_STRUCT, 0, 7, 328, 0, 0 },	/* app_data_block4 */
	[309] = { NFS4_XK_STRUCT, 0, 3, 335, 0, 0 },	/* WRITE_SAME4args */
	[310] = { NFS4_XK_UNION, 0, 1, 187, 1, 0 },	/* WRITE_SAME4res */
	[311] = { NFS4_XK_STRUCT, 0, 5, 286, 0, 0 },	/* CLONE4args */
	[312] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* CLONE4res */
	[313] = { NFS4_XK_STRUCT, 0, 1, 8, 0, 0 },	/* GETXATTR4args */
	[314] = { NFS4_XK_UNION, 0, 1, 188, 1, 0 },	/* GETXATTR4res */
	[315] = { NFS4_XK_STRUCT, 0, 3, 338, 0, 0 },	/* SETXATTR4args */
	[316] = { NFS4_XK_UNION, 0, 1, 189, 1, 0 },	/* SETXATTR4res */
	[317] = { NFS4_XK_STRUCT, 0, 2, 0, 0, 0 },	/* LISTXATTRS4args */
	[318] = { NFS4_XK_STRUCT, 0, 3, 341, 0, 0 },	/* LISTXATTRS4resok */
	[319] = { NFS4_XK_UNION, 0, 1, 190, 1, 0 },	/* LISTXATTRS4res */
	[320] = { NFS4_XK_STRUCT, 0, 1, 8, 0, 0 },	/* REMOVEXATTR4args */
	[321] = { NFS4_XK_UNION, 0, 1, 191, 1, 0 },	/* REMOVEXATTR4res */
	[322] = { NFS4_XK_STRUCT, 0, 2, 344, 0, 0 },	/* CB_GETATTR4args */
	[323] = { NFS4_XK_STRUCT, 0, 1, 66, 0, 0 },	/* CB_GETATTR4resok */
	[324] = { NFS4_XK_UNION, 0, 1, 192, 1, 0 },	/* CB_GETATTR4res */
	[325] = { NFS4_XK_STRUCT, 0, 3, 346, 0, 0 },	/* CB_RECALL4args */
	[326] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* CB_RECALL4res */
	[327] = { NFS4_XK_STRUCT, 0, 4, 349, 0, 0 },	/* layoutrecall_file4 */
	[328] = { NFS4_XK_UNION, 0, 3, 193, 24, 65535 },	/* layoutrecall4 */
	[329] = { NFS4_XK_STRUCT, 0, 4, 353, 0, 0 },	/* CB_LAYOUTRECALL4args */
	[330] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* CB_LAYOUTRECALL4res */
	[331] = { NFS4_XK_STRUCT, 0, 2, 129, 0, 0 },	/* notify_entry4 */
	[332] = { NFS4_XK_STRUCT, 0, 2, 357, 0, 0 },	/* prev_entry4 */
	[333] = { NFS4_XK_STRUCT, 0, 2, 357, 0, 0 },	/* notify_remove4 */
	[334] = { NFS4_XK_STRUCT, 0, 5, 359, 0, 0 },	/* notify_add4 */
	[335] = { NFS4_XK_ARRAY, 0, 0, 333, 1, 0 },
	[336] = { NFS4_XK_ARRAY, 0, 0, 332, 1, 0 },
	[337] = { NFS4_XK_STRUCT, 0, 1, 357, 0, 0 },	/* notify_attr4 */
	[338] = { NFS4_XK_STRUCT, 0, 2, 364, 0, 0 },	/* notify_rename4 */
	[339] = { NFS4_XK_STRUCT, 0, 2, 366, 0, 0 },	/* notify_verifier4 */
	[340] = { NFS4_XK_UNION, 0, 6, 196, 1, 65535 },	/* notify_vals4 */
	[341] = { NFS4_XK_BITMAPPED, 0, 0, 340, 1024, 65536 },	/* notify4 */
	[342] = { NFS4_XK_STRUCT, 0, 3, 368, 0, 0 },	/* CB_NOTIFY4args */
	[343] = { NFS4_XK_ARRAY, 0, 0, 341, 1024, 0 },
	[344] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* CB_NOTIFY4res */
	[345] = { NFS4_XK_STRUCT, 0, 2, 371, 0, 0 },	/* CB_PUSH_DELEG4args */
	[346] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* CB_PUSH_DELEG4res */
	[347] = { NFS4_XK_STRUCT, 0, 2, 48, 0, 0 },	/* CB_RECALL_ANY4args */
	[348] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* CB_RECALL_ANY4res */
	[349] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* CB_RECALLABLE_OBJ_AVAIL4res */
	[350] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* CB_RECALL_SLOT4args */
	[351] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* CB_RECALL_SLOT4res */
	[352] = { NFS4_XK_STRUCT, 0, 2, 1, 0, 0 },	/* referring_call4 */
	[353] = { NFS4_XK_STRUCT, 0, 2, 373, 0, 0 },	/* referring_call_list4 */
	[354] = { NFS4_XK_ARRAY, 0, 0, 352, 1024, 0 },
	[355] = { NFS4_XK_STRUCT, 0, 6, 375, 0, 0 },	/* CB_SEQUENCE4args */
	[356] = { NFS4_XK_ARRAY, 0, 0, 353, 1024, 0 },
	[357] = { NFS4_XK_STRUCT, 0, 5, 271, 0, 0 },	/* CB_SEQUENCE4resok */
	[358] = { NFS4_XK_UNION, 0, 1, 202, 1, 0 },	/* CB_SEQUENCE4res */
	[359] = { NFS4_XK_STRUCT, 0, 2, 284, 0, 0 },	/* CB_WANTS_CANCELLED4args */
	[360] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* CB_WANTS_CANCELLED4res */
	[361] = { NFS4_XK_STRUCT, 0, 2, 381, 0, 0 },	/* CB_NOTIFY_LOCK4args */
	[362] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* CB_NOTIFY_LOCK4res */
	[363] = { NFS4_XK_STRUCT, 0, 2, 383, 0, 0 },	/* notify_deviceid_delete4 */
	[364] = { NFS4_XK_STRUCT, 0, 3, 385, 0, 0 },	/* notify_deviceid_change4 */
	[365] = { NFS4_XK_UNION, 0, 2, 203, 1, 65535 },	/* notify_deviceid_vals4 */
	[366] = { NFS4_XK_BITMAPPED, 0, 0, 365, 1024, 65536 },	/* notify_deviceid4 */
	[367] = { NFS4_XK_STRUCT, 0, 1, 388, 0, 0 },	/* CB_NOTIFY_DEVICEID4args */
	[368] = { NFS4_XK_ARRAY, 0, 0, 366, 1024, 0 },
	[369] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* CB_NOTIFY_DEVICEID4res */
	[370] = { NFS4_XK_UNION, 0, 1, 205, 1, 3 },	/* offload_info4 */
	[371] = { NFS4_XK_STRUCT, 0, 3, 389, 0, 0 },	/* CB_OFFLOAD4args */
	[372] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* CB_OFFLOAD4res */
	[373] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* CB_ILLEGAL4res */
};

const uint16_t nfs4_xdr_members[392] = {
	3, 1, 1, 1, 3, 3, 6, 6, 8, 8, 11, 1, 20, 1, 22, 3, 3, 24, 21, 3, 3, 19,
	22, 1, 1, 1, 8, 1, 33, 9, 9, 9, 37, 1, 22, 8, 40, 9, 1, 1, 9, 42, 44, 1,
	8, 8, 1, 11, 1, 2, 22, 47, 3, 49, 44, 51, 52, 22, 44, 3, 3, 1, 19, 10,
	70, 72, 60, 61, 2, 5, 1, 19, 1, 88, 87, 44, 3, 3, 91, 3, 3, 87, 88, 87,
	3, 3, 88, 87, 1, 19, 3, 3, 10, 60, 19, 8, 1, 119, 1, 117, 108, 115, 19,
	44, 31, 19, 44, 112, 31, 19, 61, 1, 2, 124, 19, 1, 1, 1, 19, 3, 140, 44,
	143, 3, 10, 1, 146, 2, 3, 8, 60, 148, 148, 44, 10, 149, 72, 72, 61, 61,
	6, 1, 24, 19, 170, 10, 6, 1, 17, 172, 175, 1, 19, 3, 182, 184, 1, 182,
	10, 24, 22, 22, 1, 192, 1, 1, 193, 196, 197, 7, 199, 44, 7, 24, 44, 2,
	2, 205, 207, 207, 1, 1, 203, 1, 208, 210, 205, 1, 1, 1, 1, 212, 3, 1,
	215, 213, 204, 6, 210, 1, 218, 218, 1, 1, 1, 219, 3, 1, 1, 217, 217,
	196, 197, 7, 1, 1, 217, 217, 44, 2, 11, 11, 2, 2, 10, 19, 2, 2, 2, 7, 1,
	1, 2, 26, 2, 1, 1, 3, 10, 3, 10, 236, 44, 3, 3, 44, 19, 239, 238, 27,
	241, 44, 1, 24, 3, 3, 3, 19, 1, 44, 19, 246, 44, 1, 24, 29, 7, 1, 1, 1,
	44, 7, 1, 1, 1, 1, 1, 258, 1, 261, 272, 3, 182, 10, 44, 44, 19, 19, 3,
	3, 3, 44, 44, 275, 271, 273, 19, 268, 11, 19, 275, 19, 3, 3, 2, 3, 3,
	19, 288, 3, 3, 19, 290, 290, 7, 27, 3, 219, 19, 3, 1, 3, 143, 44, 303,
	19, 3, 12, 3, 3, 3, 3, 1, 3, 22, 19, 182, 308, 182, 8, 22, 3, 9, 44, 5,
	2, 19, 44, 5, 5, 3, 3, 19, 1, 24, 44, 328, 331, 3, 335, 331, 51, 336,
	44, 333, 334, 10, 10, 19, 5, 343, 5, 124, 7, 354, 7, 1, 1, 1, 44, 356,
	5, 88, 1, 7, 1, 7, 44, 368, 5, 19, 370,
};

const struct nfs4_xdr_arm nfs4_xdr_arms[206] = {
	{ 1, 11 }, { 1, 28 }, { 0, 2 }, { 1, 30 }, { 2, 1 }, { 3, 3 },
	{ 4, 56 }, { 5, 44 }, { 6, 44 }, { 7, 44 }, { 8, 15 }, { 9, 44 },
	{ 10, 1 }, { 11, 1 }, { 12, 33 }, { 13, 1 }, { 14, 44 }, { 15, 44 },
	{ 16, 44 }, { 17, 44 }, { 18, 44 }, { 19, 5 }, { 20, 3 }, { 21, 3 },
	{ 22, 3 }, { 23, 3 }, { 24, 36 }, { 25, 44 }, { 26, 44 }, { 27, 3 },
	{ 28, 1 }, { 29, 1 }, { 30, 57 }, { 31, 57 }, { 32, 8 }, { 33, 1 },
	{ 34, 44 }, { 35, 1 }, { 36, 58 }, { 37, 59 }, { 38, 3 }, { 39, 3 },
	{ 40, 3 }, { 41, 14 }, { 42, 3 }, { 43, 3 }, { 44, 3 }, { 45, 3 },
	{ 46, 44 }, { 47, 11 }, { 48, 13 }, { 49, 11 }, { 50, 11 }, { 51, 11 },
	{ 52, 11 }, { 53, 11 }, { 54, 13 }, { 55, 3 }, { 56, 11 }, { 57, 11 },
	{ 58, 32 }, { 59, 32 }, { 60, 16 }, { 61, 43 }, { 62, 2 }, { 63, 23 },
	{ 64, 2 }, { 65, 1 }, { 66, 1 }, { 67, 41 }, { 68, 46 }, { 69, 48 },
	{ 70, 50 }, { 71, 48 }, { 72, 50 }, { 73, 3 }, { 74, 34 }, { 75, 2 },
	{ 76, 1 }, { 77, 1 }, { 78, 3 }, { 79, 1 }, { 80, 53 }, { 81, 54 },
	{ 82, 44 }, { 0, 63 }, { 0, 19 }, { 0, 68 }, { 2, 0 }, { 3, 14 },
	{ 4, 14 }, { 5, 8 }, { 6, 0 }, { 7, 0 }, { 0, 73 }, { 0, 80 },
	{ 0, 82 }, { 0, 85 }, { 0, 90 }, { 1, 89 }, { 0, 94 }, { 10010, 93 },
	{ 0, 0 }, { 10010, 93 }, { 0, 19 }, { 0, 60 }, { 1, 60 }, { 2, 10 },
	{ 3, 106 }, { 1, 107 }, { 1, 3 }, { 2, 111 }, { 0, 72 }, { 1, 105 },
	{ 2, 114 }, { 3, 8 }, { 4, 0 }, { 5, 19 }, { 6, 0 }, { 1, 44 },
	{ 2, 44 }, { 0, 0 }, { 1, 120 }, { 2, 121 }, { 3, 123 }, { 0, 125 },
	{ 0, 130 }, { 0, 133 }, { 0, 141 }, { 0, 150 }, { 0, 152 }, { 0, 155 },
	{ 0, 158 }, { 6, 165 }, { 0, 167 }, { 0, 176 }, { 10017, 17 },
	{ 0, 185 }, { 0, 0 }, { 1, 191 }, { 6, 190 }, { 0, 201 }, { 0, 0 },
	{ 1, 205 }, { 2, 206 }, { 0, 0 }, { 1, 205 }, { 2, 211 }, { 0, 214 },
	{ 0, 221 }, { 0, 228 }, { 1, 44 }, { 0, 229 }, { 0, 232 }, { 10005, 1 },
	{ 0, 235 }, { 0, 0 }, { 1, 11 }, { 0, 0 }, { 1, 3 }, { 0, 0 }, { 1, 3 },
	{ 0, 242 }, { 0, 245 }, { 10058, 44 }, { 0, 0 }, { 1, 19 }, { 0, 249 },
	{ 0, 252 }, { 0, 255 }, { 0, 259 }, { 1, 105 }, { 4, 0 }, { 6, 0 },
	{ 0, 124 }, { 1, 8 }, { 2, 8 }, { 3, 17 }, { 0, 276 }, { 10094, 273 },
	{ 0, 279 }, { 0, 284 }, { 0, 296 }, { 0, 299 }, { 1, 300 }, { 0, 302 },
	{ 0, 306 }, { 0, 271 }, { 0, 22 }, { 0, 61 }, { 0, 318 }, { 0, 61 },
	{ 0, 323 }, { 1, 327 }, { 2, 15 }, { 3, 0 }, { 0, 337 }, { 1, 337 },
	{ 2, 333 }, { 3, 334 }, { 4, 338 }, { 5, 339 }, { 0, 357 }, { 1, 364 },
	{ 2, 363 }, { 0, 271 },
};

const uint32_t nfs4_xdr_enumvals[38] = {
	0, 1, 1, 2, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 0, 1, 2, 3, 4, 5,
	6, 0, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 7,
};
